/** The most pages read for one list: 100 pages of 200 is 20,000 items, far past what a choice list or a check can use. */
const MAX_PAGES = 100;

/**
 * Every item of a cursor-paged list, page after page. For what must see the whole list, not its first
 * page: a filter's choices, the clients over budget, a client's keys (listed oldest first, so the first
 * page of a client with many rotations holds only its revoked keys).
 */
export async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next_cursor: string | null }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let n = 0; n < MAX_PAGES; n++) {
    const answer = await page(cursor);
    items.push(...answer.items);
    if (!answer.next_cursor) break;
    cursor = answer.next_cursor;
  }
  return items;
}
