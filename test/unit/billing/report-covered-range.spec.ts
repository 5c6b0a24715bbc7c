import { BillingReadService } from '@src/billing/billing-read.service';
import type { RollupSelection, UsageReportsRepository } from '@src/billing/usage-reports.repository';

/** Reports read whole rollup buckets: the from and to they answer are the range the figures cover, not the one asked for. */
describe('the range a usage report or top spenders answer', () => {
  const selections: RollupSelection[] = [];
  const topSpenders: unknown[][] = [];
  const reports = {
    usage: (selection: RollupSelection) => {
      selections.push(selection);
      return Promise.resolve([{ bucket: new Date('2026-12-02T04:00:00Z'), requests: '3', cost_usd: '0.3' }]);
    },
    topSpenders: (...args: unknown[]) => {
      topSpenders.push(args);
      return Promise.resolve([]);
    },
  } as unknown as UsageReportsRepository;
  const reads = new BillingReadService(reports);

  it('widens a range inside one hour to the hour its figures are from', async () => {
    const res = await reads.usage({ from: '2026-12-02T04:39:59.900Z', to: '2026-12-02T04:40:00Z', granularity: 'hour' });
    expect(selections.at(-1)?.from.toISOString()).toBe('2026-12-02T04:00:00.000Z');
    expect({ from: res.from, to: res.to }).toEqual({ from: '2026-12-02T04:00:00.000Z', to: '2026-12-02T05:00:00.000Z' });
    expect(res.totals).toMatchObject({ requests: 3, cost_usd: '0.3' });
  });

  it('widens a range given in a local time zone across a DST change to whole UTC days', async () => {
    // the New York day of the spring-forward change (23 hours long)
    const res = await reads.usage({ from: '2026-03-08T00:00:00-05:00', to: '2026-03-09T00:00:00-04:00', granularity: 'day' });
    expect({ from: res.from, to: res.to }).toEqual({ from: '2026-03-08T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z' });
  });

  it('keeps a range already on bucket boundaries as it is', async () => {
    const res = await reads.usage({ from: '2026-11-01', to: '2026-12-01', granularity: 'day' });
    expect({ from: res.from, to: res.to }).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
  });

  it('top spenders answer the whole buckets of the rollup they read', async () => {
    const res = await reads.topSpenders('2026-11-05T10:30:00Z', '2026-11-20T08:15:00Z');
    expect(topSpenders.at(-1)?.slice(0, 2)).toEqual(['hour', new Date('2026-11-05T10:00:00Z')]);
    expect({ from: res.from, to: res.to }).toEqual({ from: '2026-11-05T10:00:00.000Z', to: '2026-11-20T09:00:00.000Z' });
    const month = await reads.topSpenders('2026-11-01T00:00:00Z', '2026-11-20T08:15:00Z');
    expect({ from: month.from, to: month.to }).toEqual({ from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' });
  });
});
