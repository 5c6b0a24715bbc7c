import { MigrationInterface, QueryRunner } from 'typeorm';
import { hasTimescale } from '../src/database/timescale';
import { foldSql, ROLLUPS, rollupViewSql } from '../src/billing/rollup-fold';

/**
 * Plain PostgreSQL only (TimescaleDB's continuous aggregates already work this
 * way): the cost rollups leave the usage commit and are folded from the log in
 * the background. Each log row records the transaction that wrote it; the
 * rollup tables become llm_*_costs_folded, and the names readers know become
 * views adding the rows not folded yet, so every read stays exact. Rows already
 * in the log were counted by the old commit and are left out of the fold
 * (their xact_id stays null).
 */
export class FoldCostRollups1764418000000 implements MigrationInterface {
  name = 'FoldCostRollups1764418000000';

  async up(q: QueryRunner): Promise<void> {
    if (await hasTimescale(q)) return;
    await q.query(`ALTER TABLE llm_generation_log ADD COLUMN xact_id xid8`);
    await q.query(`ALTER TABLE llm_generation_log ALTER COLUMN xact_id SET DEFAULT pg_current_xact_id()`);
    await q.query(`CREATE INDEX llm_generation_log_xact_idx ON llm_generation_log (xact_id) WHERE xact_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE llm_rollup_fold (
        id smallint PRIMARY KEY CHECK (id = 1),
        folded_below xid8 NOT NULL,
        folded_at timestamptz NOT NULL
      )`);
    // every later row belongs to a later transaction than this one
    await q.query(`INSERT INTO llm_rollup_fold (id, folded_below, folded_at) VALUES (1, pg_current_xact_id(), now())`);
    for (const r of ROLLUPS) {
      await q.query(`ALTER TABLE ${r.view} RENAME TO ${r.table}`);
      await q.query(`ALTER INDEX ${r.view}_key RENAME TO ${r.table}_key`);
      await q.query(`ALTER INDEX ${r.view}_client_idx RENAME TO ${r.table}_client_idx`);
      await q.query(rollupViewSql(r));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (await hasTimescale(q)) return;
    await q.query(foldSql(true));
    for (const r of ROLLUPS) {
      await q.query(`DROP VIEW ${r.view}`);
      await q.query(`ALTER TABLE ${r.table} RENAME TO ${r.view}`);
      await q.query(`ALTER INDEX ${r.table}_key RENAME TO ${r.view}_key`);
      await q.query(`ALTER INDEX ${r.table}_client_idx RENAME TO ${r.view}_client_idx`);
    }
    await q.query(`DROP TABLE llm_rollup_fold`);
    await q.query(`ALTER TABLE llm_generation_log DROP COLUMN xact_id`);
  }
}
