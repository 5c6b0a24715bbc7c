import { bucketStarts } from '../../../client/src/lib/report-buckets';

describe('the buckets a billing chart draws', () => {
  it('lists every day of a report, its to exclusive, as the API writes a bucket', () => {
    expect(bucketStarts('2026-11-29T00:00:00.000Z', '2026-12-02T00:00:00.000Z', 'day')).toEqual([
      '2026-11-29T00:00:00.000Z',
      '2026-11-30T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
    ]);
  });

  it('steps months by the calendar, not by 30 days', () => {
    expect(bucketStarts('2026-01-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z', 'month')).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
  });

  it('counts 24 hours in a UTC day whatever the local daylight saving does', () => {
    const hours = bucketStarts('2026-03-29T00:00:00.000Z', '2026-03-30T00:00:00.000Z', 'hour');
    expect(hours).toHaveLength(24);
    expect(hours[23]).toBe('2026-03-29T23:00:00.000Z');
  });

  it('draws no bucket for an empty range, and at most 1,200 for a huge one', () => {
    expect(bucketStarts('2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'day')).toEqual([]);
    expect(bucketStarts('2000-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'hour')).toHaveLength(1_200);
  });
});
