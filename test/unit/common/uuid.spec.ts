import { isUuid, timeOrderedUuid } from '../../../src/common/uuid';

describe('timeOrderedUuid', () => {
  it('is a version 7 UUID (RFC 9562 variant) whose first 48 bits are the time in milliseconds', () => {
    const now = Date.UTC(2026, 11, 1, 12, 0, 0, 123);
    const id = timeOrderedUuid(now);
    expect(isUuid(id)).toBe(true);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(now);
  });

  it('sorts by time across milliseconds, as PostgreSQL compares uuids (bytewise)', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_764_000_000_000, 2 ** 47].map((ms) => timeOrderedUuid(ms));
    expect([...ids].sort()).toEqual(ids);
  });

  it('never repeats within one millisecond', () => {
    const now = Date.now();
    const ids = new Set(Array.from({ length: 10_000 }, () => timeOrderedUuid(now)));
    expect(ids.size).toBe(10_000);
  });
});
