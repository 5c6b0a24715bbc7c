/**
 * Context for the 1-connection figures: how long one durable commit takes on
 * this machine's database (sequential single-row INSERTs, each its own
 * transaction). LLMHub answers only after the usage record is committed, so at
 * one connection this is a floor under its overhead that no code change removes.
 */
import { Client } from 'pg';
import { summarize, type Percentiles } from './stats';

export async function measureCommitLatency(databaseUrl: string, runs = 200): Promise<Percentiles> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // a real (WAL-logged) table, so each commit flushes WAL like the usage insert does
    await client.query('CREATE TABLE IF NOT EXISTS bench_commit_probe_wal (id int, at timestamptz)');
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = process.hrtime.bigint();
      await client.query('INSERT INTO bench_commit_probe_wal VALUES ($1, now())', [i]);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await client.query('DROP TABLE bench_commit_probe_wal');
    return summarize(times);
  } finally {
    await client.end();
  }
}
