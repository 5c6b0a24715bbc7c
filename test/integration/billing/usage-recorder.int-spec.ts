import Decimal from 'decimal.js';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { mulberry32, syntheticRecord } from '@bench/seed-usage';
import { UsageRecorder } from '@src/billing/usage-recorder.service';
import type { UsageRecord } from '@src/billing/usage-record';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { insertClient, newBillingReads, newFold, newRecorder, openDataSource } from './billing-fixtures';

const ROLLUPS = ['llm_hourly_costs', 'llm_daily_costs', 'llm_monthly_costs'];

describe(UsageRecorder.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let sut: UsageRecorder;
  let clients: string[];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    sut = newRecorder(dataSource).recorder;
    clients = [await insertClient(dataSource), await insertClient(dataSource), await insertClient(dataSource)];
  });

  afterAll(async () => {
    await sut.beforeApplicationShutdown();
    await dataSource.destroy();
    await db.drop();
  });

  it('keeps every rollup equal to the raw log to the last digit after thousands of randomized records', async () => {
    const random = mulberry32(20251129);
    const records: UsageRecord[] = Array.from({ length: 4_000 }, () => {
      const r = syntheticRecord(random, clients, Date.now(), 70);
      // odd costs, unknown prices and templates exercise every measure
      if (random() < 0.1) return { ...r, costUsd: null, priceUnknown: true };
      const cost = random() < 0.5 ? new Decimal(Math.floor(random() * 1e9)).div(1e10).toFixed() : r.costUsd;
      return { ...r, costUsd: cost, templateId: random() < 0.2 ? clients[0] : null, templateVersion: random() < 0.2 ? 2 : null };
    });
    // concurrent callers, as in the gateway: the recorder batches them
    await Promise.all(records.map((r) => sut.record(r)));

    // exact as soon as the calls are recorded, and still after the rows are folded into the stored rollups
    const expectRollupsToMatchLog = async () => {
      const [raw] = await dataSource.query(`
        SELECT count(*)::text AS requests, sum(cost_usd)::text AS cost, sum(input_tokens)::text AS input_tokens,
               sum(output_tokens)::text AS output_tokens, sum(latency_ms)::text AS latency,
               count(*) FILTER (WHERE status IN ('error','cancelled'))::text AS errors,
               count(*) FILTER (WHERE status IN ('rate_limited','budget_exceeded','rejected'))::text AS rejected,
               count(*) FILTER (WHERE price_unknown)::text AS price_unknown
        FROM llm_generation_log`);
      expect(raw.requests).toBe('4000');
      const expectedCost = records.reduce((sum, r) => (r.costUsd === null ? sum : sum.plus(r.costUsd)), new Decimal(0));
      expect(new Decimal(raw.cost).eq(expectedCost)).toBe(true);
      for (const table of ROLLUPS) {
        const [rollup] = await dataSource.query(`
          SELECT sum(requests)::text AS requests, sum(cost_usd)::text AS cost, sum(input_tokens)::text AS input_tokens,
                 sum(output_tokens)::text AS output_tokens, sum(latency_ms_sum)::text AS latency, sum(errors)::text AS errors,
                 sum(rejected)::text AS rejected, sum(price_unknown)::text AS price_unknown
          FROM ${table}`);
        expect({ table, ...rollup }).toEqual({ table, ...raw });
      }
      // and per client, bucket by bucket, against the log grouped the same way
      const mismatches = await dataSource.query(`
        SELECT d.bucket FROM llm_daily_costs d FULL JOIN (
          SELECT date_trunc('day', created_at, 'UTC') AS bucket, client_id, provider, model, template_id, template_version,
                 count(*) AS requests, sum(cost_usd) AS cost
          FROM llm_generation_log GROUP BY 1, 2, 3, 4, 5, 6) l
        ON l.bucket = d.bucket AND l.client_id IS NOT DISTINCT FROM d.client_id AND l.provider IS NOT DISTINCT FROM d.provider
           AND l.model IS NOT DISTINCT FROM d.model AND l.template_id IS NOT DISTINCT FROM d.template_id
           AND l.template_version IS NOT DISTINCT FROM d.template_version
        WHERE l.requests IS DISTINCT FROM d.requests OR l.cost IS DISTINCT FROM d.cost_usd`);
      expect(mismatches).toEqual([]);
    };
    await expectRollupsToMatchLog();
    await newFold(dataSource).foldUntilCaughtUp();
    await expectRollupsToMatchLog();
  });

  it('counts a replayed record once (record ids make replay idempotent)', async () => {
    const client = await insertClient(dataSource);
    const record = syntheticRecord(mulberry32(7), [client], Date.now(), 1);
    await sut.record(record);
    await sut.record(record);
    const [row] = await dataSource.query(`SELECT sum(requests)::int AS n FROM llm_monthly_costs WHERE client_id = $1`, [client]);
    expect(row.n).toBe(1);
  });

  it('makes a record visible to a report as soon as record() resolves', async () => {
    const client = await insertClient(dataSource);
    const reads = newBillingReads(dataSource);
    const now = new Date();
    await sut.record({ ...syntheticRecord(mulberry32(9), [client], now.getTime(), 1), createdAt: now, costUsd: '0.0012345', status: 'success' });
    const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    expect(await reads.clientSpend(client, monthStart, new Date(now.getTime() + 1))).toBe('0.0012345');
    // asked for the month of the record, even when the clock has moved into the next one since
    expect((await reads.clientSummary(client, now)).month_to_date_cost_usd).toBe('0.0012345');
  });

  describe('when an insert leaves', () => {
    /** The recorder and the batches its inserts carried, in order. */
    function recorderWithInserts(openRequests: number) {
      const { recorder, repository } = newRecorder(dataSource);
      recorder.openRequests = () => openRequests;
      const batches: number[] = [];
      const insertBatch = repository.insertBatch.bind(repository);
      repository.insertBatch = (records, wait) => {
        batches.push(records.length);
        return insertBatch(records, wait);
      };
      return { recorder, batches };
    }

    const threeRecords = () => [1, 2, 3].map((seed) => syntheticRecord(mulberry32(seed), [clients[0]], Date.now(), 1));

    it('sends the record of the only open request at once (its commit waits for nothing else), the rest behind it', async () => {
      const { recorder, batches } = recorderWithInserts(1);
      const [first, ...others] = threeRecords();
      const committed = [recorder.record(first)];
      expect(batches).toEqual([1]);
      committed.push(...others.map((r) => recorder.record(r)));
      await Promise.all(committed);
      expect(batches).toEqual([1, 2]);
      await recorder.beforeApplicationShutdown();
    });

    it('lets the records of concurrent requests made in one turn share one insert', async () => {
      const { recorder, batches } = recorderWithInserts(3);
      const committed = threeRecords().map((r) => recorder.record(r));
      expect(batches).toEqual([]);
      await Promise.all(committed);
      expect(batches).toEqual([3]);
      await recorder.beforeApplicationShutdown();
    });
  });

  it('stores metadata and nulls as given', async () => {
    const id = randomUUID();
    const base = syntheticRecord(mulberry32(11), [clients[0]], Date.now(), 1);
    await sut.record({ ...base, id, metadata: { feature: 'it "quotes"', n: 1 }, errorMessage: "it's, ok" });
    const [row] = await dataSource.query(`SELECT metadata, error_message, cost_usd::text AS cost FROM llm_generation_log WHERE id = $1`, [id]);
    expect(row).toEqual({ metadata: { feature: 'it "quotes"', n: 1 }, error_message: "it's, ok", cost: expect.any(String) });
  });
});
