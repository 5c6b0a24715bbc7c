import { cursorCodec } from '../../common/pagination/cursor';

export interface Keyset {
  createdAt: Date;
  id: string;
}

/** Clients and keys, oldest first: `createdAt|id` with the instant in ISO form. */
export const createdAtCursor = cursorCodec<Date>({
  layout: 'pipe',
  keyToText: (createdAt) => createdAt.toISOString(),
  // only what keyToText writes (a year of four digits): a forged time PostgreSQL cannot hold is refused here, not by the query
  parseKey: (text) => {
    const createdAt = new Date(text);
    return /^\d{4}-/.test(text) && !Number.isNaN(createdAt.getTime()) && createdAt.toISOString() === text ? createdAt : undefined;
  },
  invalid: { message: 'Invalid cursor', detail: 'not a cursor returned by this list' },
});

export function decodeCursor(cursor: string | undefined): Keyset | null {
  const position = createdAtCursor.decode(cursor);
  return position ? { createdAt: position.key, id: position.id } : null;
}

/** Fetch limit + 1 rows, return limit and whether more exist. */
export function toPage<T extends Keyset, R>(rows: T[], limit: number, map: (row: T) => R): { items: R[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { items: page.map(map), next_cursor: rows.length > limit && last ? createdAtCursor.encode({ key: last.createdAt, id: last.id }) : null };
}
