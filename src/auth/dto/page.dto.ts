import { AppError } from '../../common/errors/app-error';
import { isUuid } from '../../common/uuid';

export interface Keyset {
  createdAt: Date;
  id: string;
}

export function encodeCursor(row: Keyset): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | null {
  if (!cursor) return null;
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  if (!id || !isUuid(id) || Number.isNaN(createdAt.getTime())) {
    throw new AppError('validation_error', 'Invalid cursor', [{ field: 'cursor', message: 'not a cursor returned by this list' }]);
  }
  return { createdAt, id };
}

/** Fetch limit + 1 rows, return limit and whether more exist. */
export function toPage<T extends Keyset, R>(rows: T[], limit: number, map: (row: T) => R): { items: R[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}
