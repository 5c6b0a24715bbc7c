import { MigrationInterface, QueryRunner } from 'typeorm';
import { hasTimescale } from '../src/database/timescale';

const MEASURES = `
  count(*)::bigint AS requests,
  count(*) FILTER (WHERE status IN ('error','cancelled'))::bigint AS errors,
  count(*) FILTER (WHERE status IN ('rate_limited','budget_exceeded','rejected'))::bigint AS rejected,
  sum(input_tokens)::bigint AS input_tokens,
  sum(output_tokens)::bigint AS output_tokens,
  sum(cost_usd) AS cost_usd,
  count(*) FILTER (WHERE price_unknown)::bigint AS price_unknown,
  sum(latency_ms)::bigint AS latency_ms_sum`;

const REAGGREGATED = `
  sum(requests)::bigint AS requests,
  sum(errors)::bigint AS errors,
  sum(rejected)::bigint AS rejected,
  sum(input_tokens)::bigint AS input_tokens,
  sum(output_tokens)::bigint AS output_tokens,
  sum(cost_usd) AS cost_usd,
  sum(price_unknown)::bigint AS price_unknown,
  sum(latency_ms_sum)::bigint AS latency_ms_sum`;

const DIMENSIONS = 'client_id, provider, model, template_id, template_version';

const ROLLUPS = [
  { name: 'llm_hourly_costs', width: '1 hour', source: null, policy: { start: '3 days', end: '1 hour', every: '30 minutes' } },
  { name: 'llm_daily_costs', width: '1 day', source: 'llm_hourly_costs', policy: { start: '7 days', end: '1 day', every: '1 hour' } },
  { name: 'llm_monthly_costs', width: '1 month', source: 'llm_daily_costs', policy: { start: '3 months', end: '1 day', every: '1 day' } },
] as const;

/**
 * The hourly, daily and monthly cost rollups. On TimescaleDB they are
 * continuous aggregates (hierarchical, real-time); a continuous aggregate can be
 * neither created WITH DATA nor refreshed inside a transaction, hence
 * `transaction = false`. On plain PostgreSQL they are tables the usage
 * recorder keeps current in the same transaction as the log rows.
 */
export class CreateCostRollups1764417600002 implements MigrationInterface {
  name = 'CreateCostRollups1764417600002';
  transaction = false;

  async up(q: QueryRunner): Promise<void> {
    if (await hasTimescale(q)) {
      for (const r of ROLLUPS) {
        const select = r.source
          ? `SELECT time_bucket(INTERVAL '${r.width}', bucket) AS bucket, ${DIMENSIONS}, ${REAGGREGATED} FROM ${r.source}`
          : `SELECT time_bucket(INTERVAL '${r.width}', created_at) AS bucket, ${DIMENSIONS}, ${MEASURES} FROM llm_generation_log`;
        await q.query(`
          CREATE MATERIALIZED VIEW ${r.name}
          WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS
          ${select}
          GROUP BY 1, ${DIMENSIONS}
          WITH NO DATA`);
        await q.query(
          `SELECT add_continuous_aggregate_policy('${r.name}', start_offset => INTERVAL '${r.policy.start}',
             end_offset => INTERVAL '${r.policy.end}', schedule_interval => INTERVAL '${r.policy.every}')`,
        );
        await q.query(`CALL refresh_continuous_aggregate('${r.name}', NULL, NULL)`);
      }
      return;
    }
    await q.startTransaction();
    try {
      for (const r of ROLLUPS) {
        await q.query(`
          CREATE TABLE ${r.name} (
            bucket timestamptz NOT NULL,
            client_id uuid,
            provider text,
            model text,
            template_id uuid,
            template_version integer,
            requests bigint NOT NULL DEFAULT 0,
            errors bigint NOT NULL DEFAULT 0,
            rejected bigint NOT NULL DEFAULT 0,
            input_tokens bigint NOT NULL DEFAULT 0,
            output_tokens bigint NOT NULL DEFAULT 0,
            cost_usd numeric(24,10),
            price_unknown bigint NOT NULL DEFAULT 0,
            latency_ms_sum bigint NOT NULL DEFAULT 0
          )`);
        await q.query(`CREATE UNIQUE INDEX ${r.name}_key ON ${r.name} (bucket, ${DIMENSIONS}) NULLS NOT DISTINCT`);
        await q.query(`CREATE INDEX ${r.name}_client_idx ON ${r.name} (client_id, bucket)`);
      }
      await q.commitTransaction();
    } catch (error) {
      await q.rollbackTransaction();
      throw error;
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const timescale = await hasTimescale(q);
    for (const r of [...ROLLUPS].reverse()) {
      await q.query(timescale ? `DROP MATERIALIZED VIEW IF EXISTS ${r.name}` : `DROP TABLE IF EXISTS ${r.name}`);
    }
  }
}
