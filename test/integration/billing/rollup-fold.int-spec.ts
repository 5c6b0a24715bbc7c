import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { mulberry32, syntheticRecord } from '@bench/seed-usage';
import { FOLD_INTERVAL_MS, RollupFoldService } from '@src/billing/rollup-fold.service';
import type { UsageRecord } from '@src/billing/usage-record';
import { LOG_COLUMNS, rowValues } from '@src/billing/usage.repository';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil } from '@test/support/poll';
import { insertClient, newFold, newRecorder, openDataSource } from './billing-fixtures';

const ROLLUPS = ['llm_hourly_costs', 'llm_daily_costs', 'llm_monthly_costs'];

/** Per rollup: requests and cost as the rollup reads them, then as the stored (folded) part alone holds them. */
async function totals(dataSource: DataSource, clientId: string) {
  const out: Record<string, { requests: number; cost: string | null }> = {};
  for (const view of ROLLUPS) {
    for (const table of [view, `${view}_folded`]) {
      const [row] = await dataSource.query(
        `SELECT coalesce(sum(requests), 0)::int AS requests, sum(cost_usd)::text AS cost FROM ${table} WHERE client_id = $1`,
        [clientId],
      );
      out[table] = row;
    }
  }
  return out;
}

function expectEverywhere(t: Awaited<ReturnType<typeof totals>>, requests: number, cost: string, stored: { requests: number; cost: string | null }) {
  for (const view of ROLLUPS) {
    expect({ view, ...t[view] }).toEqual({ view, requests, cost });
    expect({ view, ...t[`${view}_folded`] }).toEqual({ view, ...stored });
  }
}

describe(RollupFoldService.name, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let sut: RollupFoldService;

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    sut = newFold(dataSource);
  });
  const foldAll = () => sut.foldUntilCaughtUp();

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const record = (clientId: string, cost: string, seed: number): UsageRecord => ({
    ...syntheticRecord(mulberry32(seed), [clientId], Date.now(), 0),
    createdAt: new Date(),
    costUsd: cost,
    priceUnknown: false,
  });

  it('reads the same before and after a fold: committed rows count at once, the fold only moves them into the stored rollups', async () => {
    const clientId = await insertClient(dataSource);
    const { recorder } = newRecorder(dataSource);
    await recorder.record(record(clientId, '0.0000000001', 1));
    await recorder.record(record(clientId, '1.2500000000', 2));
    expectEverywhere(await totals(dataSource, clientId), 2, '1.2500000001', { requests: 0, cost: null });
    await foldAll();
    expectEverywhere(await totals(dataSource, clientId), 2, '1.2500000001', { requests: 2, cost: '1.2500000001' });
    // a replayed record changes nothing, folded or not
    const again = record(clientId, '5', 3);
    await recorder.record(again);
    await recorder.record(again);
    await foldAll();
    await recorder.record(again);
    await foldAll();
    expectEverywhere(await totals(dataSource, clientId), 3, '6.2500000001', { requests: 3, cost: '6.2500000001' });
    await recorder.beforeApplicationShutdown();
  });

  it('folds a row committed after a fold by a transaction that was open during it, exactly once', async () => {
    const clientId = await insertClient(dataSource);
    const slow = new Client({ connectionString: db.url });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const values = rowValues(record(clientId, '0.75', 4));
      const columns = LOG_COLUMNS.map(([name]) => name).join(', ');
      await slow.query(`INSERT INTO llm_generation_log (${columns}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
      // a later transaction commits first, and a fold runs while the older one is still open
      const { recorder } = newRecorder(dataSource);
      await recorder.record(record(clientId, '0.25', 5));
      await sut.fold();
      expectEverywhere(await totals(dataSource, clientId), 1, '0.2500000000', { requests: 0, cost: null });
      await slow.query('COMMIT');
      expectEverywhere(await totals(dataSource, clientId), 2, '1.0000000000', { requests: 0, cost: null });
      await foldAll();
      expectEverywhere(await totals(dataSource, clientId), 2, '1.0000000000', { requests: 2, cost: '1.0000000000' });
      await foldAll();
      expectEverywhere(await totals(dataSource, clientId), 2, '1.0000000000', { requests: 2, cost: '1.0000000000' });
      await recorder.beforeApplicationShutdown();
    } finally {
      await slow.end();
    }
  });

  it('counts every row once when several instances fold while calls are recorded', async () => {
    const clientId = await insertClient(dataSource);
    const instances = [sut, newFold(dataSource), newFold(dataSource)];
    const { recorder } = newRecorder(dataSource);
    const random = mulberry32(42);
    const records = Array.from({ length: 600 }, (_, i) => record(clientId, (Math.floor(random() * 1e6) / 1e6).toFixed(6), 100 + i));
    let recording = true;
    const folding = (async () => {
      while (recording) await Promise.all(instances.map((f) => f.fold()));
    })();
    for (let i = 0; i < records.length; i += 50) await Promise.all(records.slice(i, i + 50).map((r) => recorder.record(r)));
    recording = false;
    await folding;
    await foldAll();
    const [log] = await dataSource.query(`SELECT count(*)::int AS requests, sum(cost_usd)::text AS cost FROM llm_generation_log WHERE client_id = $1`, [
      clientId,
    ]);
    expect(log.requests).toBe(600);
    const before = await totals(dataSource, clientId);
    for (const view of ROLLUPS) expect({ view, ...before[view] }).toEqual({ view, requests: 600, cost: log.cost });
    expectEverywhere(await totals(dataSource, clientId), 600, log.cost, { requests: 600, cost: log.cost });
    await recorder.beforeApplicationShutdown();
  });

  it('stores, for every hour, day and month a fold spans and each model, the measures the log holds', async () => {
    const clientId = await insertClient(dataSource);
    const { recorder } = newRecorder(dataSource);
    const random = mulberry32(7);
    // eight hours across a day's and a month's end (UTC), several models and statuses, some prices unknown
    const end = Date.parse('2026-11-01T04:00:00Z');
    const records = Array.from({ length: 300 }, (_, i): UsageRecord => {
      const r = syntheticRecord(random, [clientId], end, 8 / 24);
      return i % 17 === 0 ? { ...r, costUsd: null, priceUnknown: true } : r;
    });
    for (let i = 0; i < records.length; i += 50) await Promise.all(records.slice(i, i + 50).map((r) => recorder.record(r)));
    await foldAll();
    const measures =
      'requests::int, errors::int, rejected::int, input_tokens::int, output_tokens::int, cost_usd::text, price_unknown::int, latency_ms_sum::int';
    for (const [view, unit] of [
      ['llm_hourly_costs', 'hour'],
      ['llm_daily_costs', 'day'],
      ['llm_monthly_costs', 'month'],
    ]) {
      const fromLog = await dataSource.query(
        `SELECT date_trunc('${unit}', created_at, 'UTC') AS bucket, provider, model, count(*)::int AS requests,
                count(*) FILTER (WHERE status IN ('error','cancelled'))::int AS errors,
                count(*) FILTER (WHERE status IN ('rate_limited','budget_exceeded','rejected'))::int AS rejected,
                sum(input_tokens)::int AS input_tokens, sum(output_tokens)::int AS output_tokens,
                sum(cost_usd)::numeric(24,10)::text AS cost_usd, count(*) FILTER (WHERE price_unknown)::int AS price_unknown,
                sum(latency_ms)::int AS latency_ms_sum
           FROM llm_generation_log WHERE client_id = $1 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
        [clientId],
      );
      const stored = await dataSource.query(`SELECT bucket, provider, model, ${measures} FROM ${view}_folded WHERE client_id = $1 ORDER BY 1, 2, 3`, [
        clientId,
      ]);
      expect({ view, rows: stored }).toEqual({ view, rows: fromLog });
    }
    const [{ days, months }] = await dataSource.query(
      `SELECT count(DISTINCT date_trunc('day', bucket, 'UTC'))::int AS days, count(DISTINCT date_trunc('month', bucket, 'UTC'))::int AS months
         FROM llm_hourly_costs_folded WHERE client_id = $1`,
      [clientId],
    );
    expect({ days, months }).toEqual({ days: 2, months: 2 });
    await recorder.beforeApplicationShutdown();
  });

  it('reports the fold job, failing while the database refuses it and ok again after', async () => {
    const broken = newFold(dataSource);
    await dataSource.query(`ALTER TABLE llm_rollup_fold RENAME TO llm_rollup_fold_away`);
    try {
      expect(await broken.fold()).toBe(0);
    } finally {
      await dataSource.query(`ALTER TABLE llm_rollup_fold_away RENAME TO llm_rollup_fold`);
    }
    // health() describes the job only once the service runs (not with TimescaleDB)
    await broken.onApplicationBootstrap();
    try {
      expect(broken.health()).toEqual(
        expect.objectContaining({ name: 'fold cost rollups', state: 'failing', last_error: expect.stringMatching(/llm_rollup_fold/) }),
      );
      await broken.fold();
      expect(broken.health()).toEqual(expect.objectContaining({ state: 'ok', last_error: null, last_success_at: expect.any(String) }));
      // failing for longer than an interval, the next run is still the timer's next tick, never a time already past
      await dataSource.query(`ALTER TABLE llm_rollup_fold RENAME TO llm_rollup_fold_away`);
      try {
        // the timer's next fold fails (polled, not slept for: a busy machine may run it late)
        const health = await pollUntil(
          () => broken.health()!,
          (h) => h.state === 'failing',
          { timeoutMs: 10_000 },
        );
        expect(health.state).toBe('failing');
        // one interval after the tick that failed, which came after the last success: one interval after that
        // success would already be past (and no later than one interval from now, as a tick is never ahead)
        const next = Date.parse(health.next_run_at!);
        expect(next).toBeGreaterThan(Date.parse(health.last_success_at!) + FOLD_INTERVAL_MS);
        expect(next).toBeLessThanOrEqual(Date.now() + FOLD_INTERVAL_MS);
      } finally {
        await dataSource.query(`ALTER TABLE llm_rollup_fold_away RENAME TO llm_rollup_fold`);
      }
    } finally {
      await broken.beforeApplicationShutdown();
    }
  });

  it('survives its connection being dropped at any point of a fold (the process must not end on it)', async () => {
    const killer = new Client({ connectionString: db.url });
    await killer.connect();
    const clientId = await insertClient(dataSource);
    const { recorder } = newRecorder(dataSource);
    await recorder.record(record(clientId, '0.5', 7));
    let running = true;
    let terminated = 0;
    const dropping = (async () => {
      while (running) {
        const { rows } = await killer.query<{ n: number }>(
          // the fold's connection, between its statements or in one (the recorder's never sits in a transaction)
          `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
           WHERE datname = current_database() AND application_name = 'llmhub' AND pid <> pg_backend_pid()
             AND (state = 'idle in transaction' OR query LIKE 'WITH w AS%' OR query LIKE 'SELECT pg_try_advisory_xact_lock%')`,
        );
        terminated += rows[0].n;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    try {
      // for 3 s, and on until its connection has been dropped often enough however slowly a busy machine gets
      // there; every fold fails or succeeds, none may leave an 'error' event unheard (it would end this process)
      const atLeastUntil = Date.now() + 3_000;
      const deadline = Date.now() + 20_000;
      while ((Date.now() < atLeastUntil || terminated <= 20) && Date.now() < deadline) await sut.fold();
    } finally {
      running = false;
      await dropping;
      await killer.end();
    }
    expect(terminated).toBeGreaterThan(20);
    await foldAll();
    expectEverywhere(await totals(dataSource, clientId), 1, '0.5000000000', { requests: 1, cost: '0.5000000000' });
    await recorder.beforeApplicationShutdown();
  });
});
