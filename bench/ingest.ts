/**
 * Usage ingest worker (a process of its own, against the bench database):
 *  1. recorder: many concurrent UsageRecorder.record() calls — the path every
 *     request takes (group commit into llm_generation_log);
 *  2. seed: UsageRepository.insertBatch() in 5,000-row batches via seedUsage().
 * Env: DATABASE_URL, BENCH_INGEST_RECORDS, BENCH_INGEST_CONCURRENCY, BENCH_SEED_RECORDS.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { MetricsService } from '../src/billing/metrics.service';
import { mulberry32, seedUsage, syntheticRecord } from './seed-usage';
import { UsageRecorder } from '../src/billing/usage-recorder.service';
import { UsageRepository } from '../src/billing/usage.repository';
import { dataSourceOptions } from '../src/database/data-source';
import { emitResult } from './child-protocol';
import { round } from './stats';

export interface IngestResult {
  recorder: { records: number; concurrency: number; seconds: number; recordsPerS: number; spooled: boolean };
  seed: { records: number; seconds: number; recordsPerS: number } | null;
  rowsInLog: number;
}

async function recorderIngest(dataSource: DataSource, total: number, concurrency: number) {
  const [client]: { id: string }[] = await dataSource.query(`INSERT INTO api_clients (name) VALUES ('bench-ingest') RETURNING id`);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'llmhub-bench-ingest-'));
  const recorder = new UsageRecorder(new UsageRepository(dataSource, { usageSynchronousCommit: true }), { dataDir }, new MetricsService());
  await recorder.onApplicationBootstrap();
  // records of "now" (the last hour), like live traffic; built before the clock starts
  const random = mulberry32(42);
  const now = Date.now();
  const records = Array.from({ length: total }, () => syntheticRecord(random, [client.id], now, 1 / 24));
  let next = 0;
  const started = process.hrtime.bigint();
  const lane = async (): Promise<void> => {
    while (next < records.length) await recorder.record(records[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const spooled = recorder.isDegraded || recorder.spoolBytes > 0;
  await recorder.beforeApplicationShutdown();
  await recorder.onApplicationShutdown();
  rmSync(dataDir, { recursive: true, force: true });
  return { records: total, concurrency, seconds: round(seconds, 2), recordsPerS: Math.round(total / seconds), spooled };
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is required');
  const total = Number(process.env.BENCH_INGEST_RECORDS ?? 100_000);
  const concurrency = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 5_000);
  const seedRecords = Number(process.env.BENCH_SEED_RECORDS ?? 200_000);
  const dataSource = await new DataSource(dataSourceOptions(url, 10)).initialize();
  try {
    const recorder = await recorderIngest(dataSource, total, concurrency);
    let seed: IngestResult['seed'] = null;
    if (seedRecords > 0) {
      const started = process.hrtime.bigint();
      const written = await seedUsage(dataSource, { rows: seedRecords, days: 1, clients: 5 });
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      seed = { records: written, seconds: round(seconds, 2), recordsPerS: Math.round(written / seconds) };
    }
    const [{ n }]: { n: number }[] = await dataSource.query('SELECT count(*)::int AS n FROM llm_generation_log');
    emitResult({ recorder, seed, rowsInLog: n } satisfies IngestResult);
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
