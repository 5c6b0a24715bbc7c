import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { FOLD_LOCK, foldSql } from './rollup-fold';

const FOLD_SQL = foldSql();

/** The fold's one transaction (plain PostgreSQL): see rollup-fold.ts. */
@Injectable()
export class RollupFoldRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Folds what is committed and not folded yet; how many log rows, or null when another instance holds the fold. */
  async fold(): Promise<number | null> {
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const client = await pool.connect();
    let failure: Error | undefined;
    try {
      await client.query('BEGIN');
      // the fold's snapshot must be taken after the lock, so it sees the previous fold's watermark
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS locked', [FOLD_LOCK]);
      const folded = rows[0].locked ? (await client.query<{ folded: number }>(FOLD_SQL)).rows[0].folded : null;
      await client.query('COMMIT');
      return folded;
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw failure;
    } finally {
      // a connection that failed mid-fold is discarded, not handed to the next query
      client.release(failure);
    }
  }
}
