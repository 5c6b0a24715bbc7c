import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import { BillingReadService } from '@src/billing/billing-read.service';
import { RetentionService } from '@src/billing/retention.service';
import { mulberry32, syntheticRecord } from '@bench/seed-usage';
import { UsageRecorder } from '@src/billing/usage-recorder.service';
import type { UsageRecord } from '@src/billing/usage-record';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { insertClient, newBillingReads, newFold, newGenerationLogs, newRecorder, newRetention, openDataSource } from './billing-fixtures';

const DAY = 86_400_000;

describe('billing reports', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let recorder: UsageRecorder;
  let client: string;
  let records: UsageRecord[];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    recorder = newRecorder(dataSource).recorder;
    client = await insertClient(dataSource, '50');
    const random = mulberry32(99);
    records = Array.from({ length: 3_000 }, () => syntheticRecord(random, [client], Date.now(), 120));
    await Promise.all(records.map((r) => recorder.record(r)));
  });

  afterAll(async () => {
    await recorder.beforeApplicationShutdown();
    await dataSource.destroy();
    await db.drop();
  });

  it(`${BillingReadService.name}.clientSpend is exact for ragged and aligned ranges alike`, async () => {
    const sut = newBillingReads(dataSource);
    const random = mulberry32(5);
    for (let i = 0; i < 20; i++) {
      const a = Date.now() - Math.floor(random() * 120 * DAY);
      const b = i % 4 === 0 ? Date.now() + 1_000 : a + Math.floor(random() * 60 * DAY);
      const expected = records
        .filter((r) => r.createdAt.getTime() >= a && r.createdAt.getTime() < b)
        .reduce((sum, r) => sum.plus(r.costUsd ?? 0), new Decimal(0));
      expect(await sut.clientSpend(client, new Date(a), new Date(b))).toBe(expected.toFixed());
    }
  });

  it('usage series totals equal the log and validation names the field', async () => {
    const sut = newBillingReads(dataSource);
    const to = new Date(Date.now() + 1_000).toISOString();
    const from = new Date(Date.now() - 200 * DAY).toISOString();
    const report = await sut.usage({ clientId: client, from, to, granularity: 'month', groupBy: 'model' });
    expect(report.totals.requests).toBe(3_000);
    expect(report.totals.cost_usd).toBe(records.reduce((s, r) => s.plus(r.costUsd ?? 0), new Decimal(0)).toFixed());
    // the mean over the calls answered: a refusal reached no provider
    const answered = records.filter((r) => !['rate_limited', 'budget_exceeded', 'rejected'].includes(r.status));
    expect(report.totals.avg_latency_ms).toBe(Math.round(answered.reduce((s, r) => s + r.latencyMs, 0) / answered.length));
    await expect(sut.usage({ clientId: client, from, to, granularity: 'hour' })).rejects.toMatchObject({
      code: 'validation_error',
      details: [{ field: 'granularity' }],
    });
    await expect(sut.usage({ clientId: client, from: to, to: from })).rejects.toMatchObject({ details: [{ field: 'from' }] });
  });

  it('keyset paging returns every row exactly once, newest first', async () => {
    const sut = newGenerationLogs(dataSource);
    const seen: string[] = [];
    let cursor: string | undefined;
    let previous = Infinity;
    do {
      const page = await sut.list({ clientId: client, limit: 170, cursor });
      for (const item of page.items) {
        const t = new Date(item.created_at).getTime();
        expect(t).toBeLessThanOrEqual(previous);
        previous = t;
        seen.push(item.request_id);
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(3_000);
    expect(new Set(seen).size).toBe(3_000);
    await expect(sut.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('streams the CSV export in chunks that parse back to the rollup totals', async () => {
    const sut = newGenerationLogs(dataSource);
    const chunks: string[] = [];
    await sut.exportCsv(
      { from: new Date(Date.now() - 200 * DAY).toISOString(), to: new Date(Date.now() + 1_000).toISOString(), granularity: 'day' },
      async (c) => {
        chunks.push(c);
      },
    );
    const lines = chunks.join('').trim().split('\r\n');
    const header = lines[0].split(',');
    expect(header).toContain('cost_usd');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(chunks.length).toBeGreaterThan(1);
    const requests = rows.reduce((s, r) => s + Number(r[header.indexOf('requests')]), 0);
    const cost = rows.reduce((s, r) => s.plus(r[header.indexOf('cost_usd')] || 0), new Decimal(0));
    expect(requests).toBe(3_000);
    expect(cost.toFixed()).toBe(records.reduce((s, r) => s.plus(r.costUsd ?? 0), new Decimal(0)).toFixed());
  });

  it(`${RetentionService.name} deletes old log rows in batches once they are folded, and keeps the rollups`, async () => {
    const sut = newRetention(dataSource, 90);
    const [before] = await dataSource.query(`SELECT sum(requests)::int AS n FROM llm_monthly_costs WHERE client_id = $1`, [client]);
    // one instant for the count and the purges: the cutoff must not move with the clock while the fold runs
    const now = new Date();
    const old = records.filter((r) => r.createdAt.getTime() < now.getTime() - 90 * DAY).length;
    expect(old).toBeGreaterThan(0);
    // not folded into the stored rollups yet: kept until they are, or their cost would vanish from the reports
    expect(await sut.purge(now)).toBe(0);
    await newFold(dataSource).foldUntilCaughtUp();
    expect(await sut.purge(now)).toBe(old);
    const [left] = await dataSource.query(`SELECT count(*)::int AS n FROM llm_generation_log WHERE client_id = $1`, [client]);
    expect(left.n).toBe(3_000 - old);
    const [after] = await dataSource.query(`SELECT sum(requests)::int AS n FROM llm_monthly_costs WHERE client_id = $1`, [client]);
    expect(after.n).toBe(before.n);
  });
});

describe(`${BillingReadService.name}.clientsSpend`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let recorder: UsageRecorder;
  const records = new Map<string, UsageRecord[]>();

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    recorder = newRecorder(dataSource).recorder;
    const random = mulberry32(17);
    for (const [budget, count] of [
      ['50', 600],
      ['10', 300],
      ['5', 0],
    ] as const) {
      const id = await insertClient(dataSource, budget);
      records.set(
        id,
        Array.from({ length: count }, () => syntheticRecord(random, [id], Date.now(), 60)),
      );
    }
    await Promise.all([...records.values()].flat().map((r) => recorder.record(r)));
  });

  afterAll(async () => {
    await recorder.beforeApplicationShutdown();
    await dataSource.destroy();
    await db.drop();
  });

  it("reads several clients' spend in one go, each exactly what clientSpend says and the log sums", async () => {
    const sut = newBillingReads(dataSource);
    const ids = [...records.keys()];
    const random = mulberry32(3);
    for (let i = 0; i < 10; i++) {
      const a = Date.now() - Math.floor(random() * 60 * DAY);
      const b = i % 3 === 0 ? Date.now() + 1_000 : a + Math.floor(random() * 30 * DAY);
      const spends = await sut.clientsSpend(ids, new Date(a), new Date(b));
      expect([...spends.keys()]).toEqual(ids);
      for (const id of ids) {
        const expected = records
          .get(id)!
          .filter((r) => r.createdAt.getTime() >= a && r.createdAt.getTime() < b)
          .reduce((sum, r) => sum.plus(r.costUsd ?? 0), new Decimal(0));
        expect(spends.get(id)).toBe(expected.toFixed());
        expect(await sut.clientSpend(id, new Date(a), new Date(b))).toBe(expected.toFixed());
      }
    }
    expect(await sut.clientsSpend([], new Date(0), new Date())).toEqual(new Map());
  });
});

describe(`${BillingReadService.name}.clientSummary`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let recorder: UsageRecorder;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    recorder = newRecorder(dataSource).recorder;
  });

  afterAll(async () => {
    await recorder.beforeApplicationShutdown();
    await dataSource.destroy();
    await db.drop();
  });

  const call = (clientId: string, at: string, costUsd: string): UsageRecord => ({
    ...syntheticRecord(mulberry32(1), [clientId], Date.now(), 1),
    createdAt: new Date(at),
    status: 'success',
    costUsd,
  });

  it('says what remains of a daily budget: the budget less today’s spend, not less the month’s', async () => {
    const client = await insertClient(dataSource, '1');
    await dataSource.query(`UPDATE api_clients SET budget_period = 'day' WHERE id = $1`, [client]);
    await Promise.all([call(client, '2026-06-13T09:00:00Z', '0.9'), call(client, '2026-06-15T10:00:00Z', '0.25')].map((r) => recorder.record(r)));
    const summary = await newBillingReads(dataSource).clientSummary(client, new Date('2026-06-15T12:00:00Z'));
    expect(summary).toMatchObject({ month_to_date_cost_usd: '1.15', budget_usd: '1', remaining_usd: '0.75' });
  });

  it('counts a monthly budget in its time zone, as the 402 does', async () => {
    const client = await insertClient(dataSource, '10');
    await dataSource.query(`UPDATE api_clients SET budget_timezone = 'Asia/Tokyo' WHERE id = $1`, [client]);
    // 2026-06-30T20:00Z is already July 1st in Tokyo: last month's budget there
    await Promise.all([call(client, '2026-06-30T20:00:00Z', '4'), call(client, '2026-07-02T10:00:00Z', '1')].map((r) => recorder.record(r)));
    const summary = await newBillingReads(dataSource).clientSummary(client, new Date('2026-06-30T12:00:00Z'));
    expect(summary).toMatchObject({ month_to_date_cost_usd: '4', budget_usd: '10', remaining_usd: '10' });
  });

  it('keeps every digit of a budget of 12 integer digits less a spend of 1e-10 USD', async () => {
    const client = await insertClient(dataSource, '100000000000');
    await recorder.record(call(client, '2026-06-15T10:00:00Z', '0.0000000001'));
    const summary = await newBillingReads(dataSource).clientSummary(client, new Date('2026-06-15T12:00:00Z'));
    expect(summary).toMatchObject({ month_to_date_cost_usd: '0.0000000001', remaining_usd: '99999999999.9999999999' });
  });
});
