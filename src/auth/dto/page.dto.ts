import { cursorCodec } from '../../common/pagination/cursor';

export interface Keyset {
  createdAt: Date;
  id: string;
}

/** Clients and keys, oldest first: `createdAt|id` with the instant in ISO form. */
export const createdAtCursor = cursorCodec<Date>({
  layout: 'pipe',
  keyToText: (createdAt) => createdAt.toISOString(),
  parseKey: (text) => {
    const createdAt = new Date(text);
    return Number.isNaN(createdAt.getTime()) ? undefined : createdAt;
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
