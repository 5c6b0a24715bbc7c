import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * llm_generation_log_id_idx (id) duplicated the primary key (id, created_at),
 * whose first column answers a look-up by id alone just as well. Both are keyed
 * by a random UUID, so each call's insert paid for a second random b-tree page
 * (and its full-page image in the WAL after every checkpoint) for nothing.
 * On TimescaleDB, dropping the hypertable's index drops it on every chunk.
 */
export class DropLogIdIndex1764418100000 implements MigrationInterface {
  name = 'DropLogIdIndex1764418100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS llm_generation_log_id_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX IF NOT EXISTS llm_generation_log_id_idx ON llm_generation_log (id)`);
  }
}
