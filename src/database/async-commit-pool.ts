import type { Logger } from '@nestjs/common';
import { Pool, type PoolConfig } from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';

export const ASYNC_COMMIT_APPLICATION_NAME = 'llmhub (asynchronous commit)';

/**
 * A small pool on the application pool's server and credentials whose sessions
 * run with synchronous_commit off: a commit returns once PostgreSQL has it, and
 * its write-ahead log reaches the disk up to three wal_writer_delay later. What
 * is committed survives the death of any client; only a crash of the database
 * server (or its machine) within that window can lose it.
 */
export function asyncCommitPool(dataSource: DataSource, max: number, logger: Logger, purpose: string): Pool {
  const base = ((dataSource.driver as PostgresDriver).master as Pool & { options: PoolConfig }).options;
  const options = [base.options, '-c synchronous_commit=off'].filter(Boolean).join(' ');
  // named apart in pg_stat_activity, so an operator can tell which sessions do not wait for the flush
  const pool = new Pool({ ...base, max, min: 0, idleTimeoutMillis: 30_000, options, application_name: ASYNC_COMMIT_APPLICATION_NAME });
  pool.on('error', (e) => logger.warn(`${purpose} pool connection error: ${e.message}`));
  return pool;
}
