import { periodBounds } from '@src/auth/limits/budget-period';

describe('periodBounds', () => {
  const at = new Date('2025-03-15T10:30:00Z');

  it('gives the UTC calendar month by default', () => {
    expect(periodBounds('month', 'UTC', at)).toEqual({ start: new Date('2025-03-01T00:00:00Z'), end: new Date('2025-04-01T00:00:00Z'), key: '2025-03' });
  });

  it('gives the day and the ISO week (from Monday)', () => {
    expect(periodBounds('day', 'UTC', at)).toMatchObject({ start: new Date('2025-03-15T00:00:00Z'), end: new Date('2025-03-16T00:00:00Z') });
    expect(periodBounds('week', 'UTC', at)).toMatchObject({ start: new Date('2025-03-10T00:00:00Z'), end: new Date('2025-03-17T00:00:00Z') });
  });

  it('follows the client timezone, daylight saving included', () => {
    expect(periodBounds('month', 'Europe/Berlin', at)).toMatchObject({ start: new Date('2025-02-28T23:00:00Z'), end: new Date('2025-03-31T22:00:00Z') });
    expect(periodBounds('day', 'America/New_York', new Date('2025-12-31T23:30:00Z')).key).toBe('2025-12-31');
    expect(periodBounds('month', 'Asia/Tokyo', new Date('2025-12-31T16:00:00Z')).key).toBe('2026-01');
  });

  it('rolls over the year', () => {
    expect(periodBounds('month', 'UTC', new Date('2025-12-20T00:00:00Z')).end).toEqual(new Date('2026-01-01T00:00:00Z'));
  });
});
