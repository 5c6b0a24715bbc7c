/**
 * True when `value` nests objects or arrays more than `limit` levels deep.
 * Stops descending at the limit, so the recursion itself stays shallow; every
 * node is visited at most once.
 */
export function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  for (const child of children) {
    if (typeof child === 'object' && child !== null && deeperThan(child, limit - 1)) return true;
  }
  return false;
}
