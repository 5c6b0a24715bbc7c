import { periodBounds } from '@src/billing/budget-period';

describe('periodBounds', () => {
  const at = new Date('2025-03-15T10:30:00Z');

  it('gives the UTC calendar month by default', () => {
    expect(periodBounds('month', 'UTC', at)).toEqual({ start: new Date('2025-03-01T00:00:00Z'), end: new Date('2025-04-01T00:00:00Z'), key: '2025-03' });
  });

  it('gives the day and the ISO week (from Monday)', () => {
    expect(periodBounds('day', 'UTC', at)).toMatchObject({ start: new Date('2025-03-15T00:00:00Z'), end: new Date('2025-03-16T00:00:00Z') });
    expect(periodBounds('week', 'UTC', at)).toMatchObject({ start: new Date('2025-03-10T00:00:00Z'), end: new Date('2025-03-17T00:00:00Z') });
  });

  it('names each period as a refused call quotes it: the day, the Monday a week starts on, the month', () => {
    expect(periodBounds('day', 'UTC', at).key).toBe('2025-03-15');
    expect(periodBounds('week', 'UTC', at).key).toBe('2025-03-10/week');
    // a week that starts in one year and ends in the next is named by its Monday
    expect(periodBounds('week', 'UTC', new Date('2026-01-01T12:00:00Z')).key).toBe('2025-12-29/week');
  });

  it('follows the client timezone, daylight saving included', () => {
    expect(periodBounds('month', 'Europe/Berlin', at)).toMatchObject({ start: new Date('2025-02-28T23:00:00Z'), end: new Date('2025-03-31T22:00:00Z') });
    expect(periodBounds('day', 'America/New_York', new Date('2025-12-31T23:30:00Z')).key).toBe('2025-12-31');
    expect(periodBounds('month', 'Asia/Tokyo', new Date('2025-12-31T16:00:00Z')).key).toBe('2026-01');
  });

  it('rolls over the year', () => {
    expect(periodBounds('month', 'UTC', new Date('2025-12-20T00:00:00Z')).end).toEqual(new Date('2026-01-01T00:00:00Z'));
  });

  it('rolls over at midnight UTC to the millisecond: the last millisecond is the old period, midnight the new one', () => {
    // 2026-07-06 is a Monday, 2026-07-01 the first of a month
    for (const [period, midnight] of [
      ['day', '2026-06-30T00:00:00.000Z'],
      ['week', '2026-07-06T00:00:00.000Z'],
      ['month', '2026-07-01T00:00:00.000Z'],
    ] as const) {
      const before = periodBounds(period, 'UTC', new Date(Date.parse(midnight) - 1));
      const after = periodBounds(period, 'UTC', new Date(midnight));
      expect(before.end).toEqual(new Date(midnight));
      expect(after.start).toEqual(new Date(midnight));
      expect(after.key).not.toBe(before.key);
    }
  });

  it('tiles time without gaps or overlaps in zones whose clocks jump at midnight', () => {
    // 2025-09-07 begins at 01:00 in Santiago (04:00Z): the clock goes from 23:59:59 (UTC-4) to 01:00 (UTC-3)
    expect(periodBounds('day', 'America/Santiago', new Date('2025-09-06T12:00:00Z'))).toMatchObject({
      start: new Date('2025-09-06T04:00:00Z'),
      end: new Date('2025-09-07T04:00:00Z'),
    });
    expect(periodBounds('day', 'America/Santiago', new Date('2025-09-07T03:30:00Z')).key).toBe('2025-09-06');
    const faults: string[] = [];
    for (const zone of ['America/Santiago', 'America/Havana', 'Asia/Beirut', 'America/Asuncion', 'Europe/Berlin', 'Australia/Lord_Howe']) {
      for (const period of ['day', 'week', 'month'] as const) {
        let bounds = periodBounds(period, zone, new Date('2025-01-01T12:00:00Z'));
        while (bounds.end.getTime() < Date.parse('2026-01-01T00:00:00Z')) {
          const next = periodBounds(period, zone, bounds.end);
          const last = periodBounds(period, zone, new Date(bounds.end.getTime() - 1));
          if (next.start.getTime() !== bounds.end.getTime() || last.key !== bounds.key || next.key === bounds.key) {
            faults.push(`${zone} ${period} ${bounds.key}: ends ${bounds.end.toISOString()}, the next starts ${next.start.toISOString()}`);
          }
          bounds = next;
        }
      }
    }
    expect(faults).toEqual([]);
  });
});
