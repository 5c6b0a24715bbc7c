import { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureTimescale } from '../src/database/timescale';

/**
 * llm_generation_log: one row per call. A hypertable on TimescaleDB (with a
 * retention policy), a plain table on PostgreSQL (retention by a scheduled job).
 */
export class CreateGenerationLog1764417600001 implements MigrationInterface {
  name = 'CreateGenerationLog1764417600001';

  async up(q: QueryRunner): Promise<void> {
    const timescale = await ensureTimescale(q);
    await q.query(`
      CREATE TABLE llm_generation_log (
        id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        client_id uuid,
        api_key_id uuid,
        endpoint text NOT NULL,
        provider text,
        model text,
        requested_model text,
        template_id uuid,
        template_name text,
        template_version integer,
        input_tokens integer NOT NULL DEFAULT 0,
        output_tokens integer NOT NULL DEFAULT 0,
        cached_input_tokens integer NOT NULL DEFAULT 0,
        cost_usd numeric(20,10),
        price_unknown boolean NOT NULL DEFAULT false,
        latency_ms integer NOT NULL DEFAULT 0,
        ttft_ms integer,
        status text NOT NULL CHECK (status IN ('success','error','cancelled','rate_limited','budget_exceeded','rejected')),
        error_code text,
        error_message text,
        attempts smallint NOT NULL DEFAULT 1,
        is_stream boolean NOT NULL DEFAULT false,
        metadata jsonb,
        PRIMARY KEY (id, created_at)
      )`);
    // keyset paging of the admin log (newest first) and per-client / per-template reads
    await q.query(`CREATE INDEX llm_generation_log_created_idx ON llm_generation_log (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX llm_generation_log_client_idx ON llm_generation_log (client_id, created_at DESC)`);
    await q.query(`CREATE INDEX llm_generation_log_template_idx ON llm_generation_log (template_id, template_version) WHERE template_id IS NOT NULL`);
    // request ids are unique on their own; looked up by id alone for feedback and detail views
    await q.query(`CREATE INDEX llm_generation_log_id_idx ON llm_generation_log (id)`);
    if (timescale) {
      await q.query(`SELECT create_hypertable('llm_generation_log', 'created_at', chunk_time_interval => INTERVAL '1 day')`);
      const days = Number(process.env.RETENTION_DAYS) > 0 ? Number(process.env.RETENTION_DAYS) : 90;
      await q.query(`SELECT add_retention_policy('llm_generation_log', INTERVAL '${Math.floor(days)} days')`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // dropping a hypertable also removes its retention policy and chunks
    await q.query(`DROP TABLE IF EXISTS llm_generation_log`);
  }
}
