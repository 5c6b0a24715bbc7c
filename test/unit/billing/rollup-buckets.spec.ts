import { splitRange } from '@src/billing/rollup-buckets';

const d = (iso: string) => new Date(iso);
const show = (from: string, to: string) => splitRange(d(from), d(to)).map((p) => `${p.source} ${p.from.toISOString()} ${p.to.toISOString()}`);

describe('splitRange', () => {
  it('reads a whole calendar month from the monthly rollup', () => {
    expect(show('2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')).toEqual(['month 2025-01-01T00:00:00.000Z 2025-02-01T00:00:00.000Z']);
  });

  it('covers a ragged range with partial hours from the log and the coarsest buckets in between, without gaps', () => {
    const parts = splitRange(d('2025-01-30T22:30:00Z'), d('2025-03-02T01:15:00Z'));
    expect(parts.map((p) => p.source)).toEqual(['log', 'hour', 'day', 'month', 'day', 'hour', 'log']);
    for (let i = 1; i < parts.length; i++) expect(parts[i].from.getTime()).toBe(parts[i - 1].to.getTime());
    expect(parts[0].from.toISOString()).toBe('2025-01-30T22:30:00.000Z');
    expect(parts[parts.length - 1].to.toISOString()).toBe('2025-03-02T01:15:00.000Z');
    expect(parts[3]).toEqual({ source: 'month', from: d('2025-02-01T00:00:00Z'), to: d('2025-03-01T00:00:00Z') });
  });

  it('uses days, not months, for whole days inside one month', () => {
    expect(show('2025-01-03T00:00:00Z', '2025-01-05T00:00:00Z')).toEqual(['day 2025-01-03T00:00:00.000Z 2025-01-05T00:00:00.000Z']);
  });

  it('reads a range inside one hour from the log only', () => {
    expect(show('2025-01-03T10:05:00Z', '2025-01-03T10:50:00Z')).toEqual(['log 2025-01-03T10:05:00.000Z 2025-01-03T10:50:00.000Z']);
  });

  it('returns nothing for an empty range', () => {
    expect(splitRange(d('2025-01-02T00:00:00Z'), d('2025-01-01T00:00:00Z'))).toEqual([]);
  });
});
