import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Budget reservations kept in PostgreSQL when there is no Redis: one counter row
 * per client and budget period (settled spend + in-flight reservations) and the
 * open reservations themselves, so a crashed instance's reservations expire.
 * `budget_alerted_period` makes the soft-threshold warning fire once per period
 * across all instances.
 */
export class CreateBudgetCounters1764417700000 implements MigrationInterface {
  name = 'CreateBudgetCounters1764417700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE api_clients ADD COLUMN budget_alerted_period text`);
    await q.query(`
      CREATE TABLE budget_counters (
        client_id uuid NOT NULL REFERENCES api_clients(id) ON DELETE CASCADE,
        period_start timestamptz NOT NULL,
        spent_usd numeric(24,10) NOT NULL DEFAULT 0,
        reserved_usd numeric(24,10) NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (client_id, period_start)
      )`);
    await q.query(`
      CREATE TABLE budget_reservations (
        id uuid PRIMARY KEY,
        client_id uuid NOT NULL,
        period_start timestamptz NOT NULL,
        amount_usd numeric(24,10) NOT NULL,
        expires_at timestamptz NOT NULL,
        FOREIGN KEY (client_id, period_start) REFERENCES budget_counters(client_id, period_start) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX budget_reservations_expires_at_idx ON budget_reservations (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS budget_reservations`);
    await q.query(`DROP TABLE IF EXISTS budget_counters`);
    await q.query(`ALTER TABLE api_clients DROP COLUMN IF EXISTS budget_alerted_period`);
  }
}
