/**
 * Report worker (a process of its own, against the bench database): seeds
 * BENCH_REPORT_ROWS log rows spread over 60 days through the fast seed path
 * (multi-row insert), folds them into the rollups, then times the 30-day
 * daily cost report the admin API serves (BillingReadService.usage with
 * granularity=day) BENCH_REPORT_RUNS times. The parent times the HTTP route.
 */
import { DataSource } from 'typeorm';
import { BillingReadService } from '../src/billing/billing-read.service';
import { UsageReportsRepository } from '../src/billing/usage-reports.repository';
import { foldSeeded, seedUsage } from './seed-usage';
import { dataSourceOptions } from '../src/database/data-source';
import { emitResult } from './child-protocol';
import { round, summarize, type Percentiles } from './stats';

export interface ReportSeedResult {
  seededRows: number;
  seedSeconds: number;
  seedRecordsPerS: number;
  /** folding the seeded rows into the stored rollups (plain PostgreSQL) */
  foldSeconds: number;
  rowsInLog: number;
  dailyRollupRows: number;
  from: string;
  to: string;
  buckets: number;
  serviceMs: Percentiles;
}

const DAY_MS = 86_400_000;

/** The 30 days ending at the next UTC midnight, so today is included. */
export function reportWindow(now = Date.now()): { from: string; to: string } {
  const to = Math.ceil(now / DAY_MS) * DAY_MS;
  return { from: new Date(to - 30 * DAY_MS).toISOString(), to: new Date(to).toISOString() };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const rows = Number(process.env.BENCH_REPORT_ROWS ?? 1_000_000);
  const runs = Number(process.env.BENCH_REPORT_RUNS ?? 20);
  const dataSource = await new DataSource(dataSourceOptions(url, 4)).initialize();
  try {
    const started = process.hrtime.bigint();
    const seeded = await seedUsage(dataSource, { rows, days: 60, clients: 5 }, (m) => process.stderr.write(`seeded ${m}\n`));
    const seedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const folding = process.hrtime.bigint();
    await foldSeeded(dataSource);
    const foldSeconds = Number(process.hrtime.bigint() - folding) / 1e9;
    const [{ n }]: { n: number }[] = await dataSource.query('SELECT count(*)::int AS n FROM llm_generation_log');
    const [{ d }]: { d: number }[] = await dataSource.query('SELECT count(*)::int AS d FROM llm_daily_costs');

    const reads = new BillingReadService(new UsageReportsRepository(dataSource));
    const window = reportWindow();
    const times: number[] = [];
    let buckets = 0;
    for (let i = 0; i < runs + 2; i++) {
      const t0 = process.hrtime.bigint();
      const report = await reads.usage({ granularity: 'day', from: window.from, to: window.to });
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      if (i >= 2) times.push(ms); // two untimed runs warm the connection and the prepared plan
      buckets = report.items.length;
    }
    emitResult({
      seededRows: seeded,
      seedSeconds: round(seedSeconds, 1),
      seedRecordsPerS: Math.round(seeded / seedSeconds),
      foldSeconds: round(foldSeconds, 1),
      rowsInLog: n,
      dailyRollupRows: d,
      ...window,
      buckets,
      serviceMs: summarize(times),
    } satisfies ReportSeedResult);
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
