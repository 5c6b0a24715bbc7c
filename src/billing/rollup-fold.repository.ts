import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool, PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { FOLD_LOCK, foldSql, NOT_FOLDED } from './rollup-fold';

/** Prepared once per connection: the statement is long, and planning it cost more than a second's rows took to fold. */
const FOLD = { name: 'llmhub_rollup_fold', text: foldSql() };

/**
 * The last connection error of each pooled client this repository checked out. A checked-out client
 * reports a dropped connection as an 'error' event, which, unheard, would end the process; the
 * listener stays with the client (the pool reuses it), so one is added per client, not per fold.
 */
const connectionErrors = new WeakMap<PoolClient, { error?: Error }>();

function listenedTo(client: PoolClient): { error?: Error } {
  let state = connectionErrors.get(client);
  if (!state) {
    const created: { error?: Error } = {};
    client.on('error', (error: Error) => (created.error = error));
    connectionErrors.set(client, created);
    state = created;
  }
  return state;
}

/** The fold's one transaction (plain PostgreSQL): see rollup-fold.ts. */
@Injectable()
export class RollupFoldRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Folds what is committed and not folded yet; how many log rows, or null when another instance holds the fold. */
  async fold(): Promise<number | null> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    const connection = listenedTo(client);
    connection.error = undefined;
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      // the fold's snapshot must be taken after the lock, so it sees the previous fold's watermark
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [FOLD_LOCK]);
      const folded = rows[0].locked ? (await client.query<{ folded: number }>(FOLD)).rows[0].folded : null;
      await client.query('COMMIT');
      return folded;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw failure;
    } finally {
      // a connection that failed mid-fold is discarded, not handed to the next query
      client.release(failure ?? connection.error);
    }
  }

  /** How many log rows are not folded yet. */
  async unfoldedRows(): Promise<number> {
    const [{ n }]: { n: number }[] = await this.dataSource.query(`SELECT count(*)::int AS n FROM llm_generation_log WHERE ${NOT_FOLDED}`);
    return n;
  }
}
