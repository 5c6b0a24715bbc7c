import { MigrationInterface, QueryRunner } from 'typeorm';

/** Clients, keys, admin credentials, providers, prices, prompt templates and feedback. */
export class CreateCoreSchema1764417600000 implements MigrationInterface {
  name = 'CreateCoreSchema1764417600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE api_clients (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        description text,
        is_active boolean NOT NULL DEFAULT true,
        rate_limit_rpm integer CHECK (rate_limit_rpm > 0),
        rate_limit_tpm integer CHECK (rate_limit_tpm > 0),
        monthly_budget_usd numeric(18,6) CHECK (monthly_budget_usd >= 0),
        budget_period text NOT NULL DEFAULT 'month' CHECK (budget_period IN ('day','week','month')),
        budget_timezone text NOT NULL DEFAULT 'UTC',
        budget_alert_threshold numeric(5,4) CHECK (budget_alert_threshold > 0 AND budget_alert_threshold <= 1),
        allowed_providers text[],
        allowed_models text[],
        fallback_models text[],
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT api_clients_name_key UNIQUE (name)
      )`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES api_clients(id) ON DELETE CASCADE,
        name text NOT NULL,
        key_hash bytea NOT NULL,
        prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        revoked_at timestamptz,
        last_used_at timestamptz,
        rotated_from_id uuid REFERENCES api_keys(id) ON DELETE SET NULL,
        allowed_models text[],
        rate_limit_rpm integer CHECK (rate_limit_rpm > 0),
        rate_limit_tpm integer CHECK (rate_limit_tpm > 0),
        CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
      )`);
    await q.query(`CREATE INDEX api_keys_client_id_idx ON api_keys (client_id)`);
    await q.query(`
      CREATE TABLE admin_credentials (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE admin_sessions (
        id_hash bytea PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE providers (
        name text PRIMARY KEY,
        enabled boolean,
        api_key_encrypted text,
        base_url text,
        timeout_ms integer CHECK (timeout_ms > 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE model_prices (
        model text PRIMARY KEY,
        input_per_m numeric(18,6) NOT NULL CHECK (input_per_m >= 0),
        output_per_m numeric(18,6) NOT NULL CHECK (output_per_m >= 0),
        cached_input_per_m numeric(18,6) CHECK (cached_input_per_m >= 0),
        cache_write_per_m numeric(18,6) CHECK (cache_write_per_m >= 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE prompt_templates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        owner_client_id uuid REFERENCES api_clients(id) ON DELETE CASCADE,
        template_type text NOT NULL DEFAULT 'text',
        description text,
        active_version integer NOT NULL DEFAULT 1,
        ab_weights jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // one name per owner, system templates (owner null) included
    await q.query(`CREATE UNIQUE INDEX prompt_templates_owner_name_key ON prompt_templates (owner_client_id, name) NULLS NOT DISTINCT`);
    await q.query(`
      CREATE TABLE prompt_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        template_id uuid NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
        version integer NOT NULL CHECK (version > 0),
        system_prompt text,
        body text NOT NULL,
        variables jsonb NOT NULL DEFAULT '[]'::jsonb,
        provider text,
        model text,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        note text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT prompt_versions_template_version_key UNIQUE (template_id, version)
      )`);
    await q.query(`
      CREATE TABLE prompt_labels (
        template_id uuid NOT NULL REFERENCES prompt_templates(id) ON DELETE CASCADE,
        label text NOT NULL,
        version integer,
        weights jsonb,
        is_protected boolean NOT NULL DEFAULT false,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (template_id, label),
        CHECK (version IS NOT NULL OR weights IS NOT NULL)
      )`);
    await q.query(`
      CREATE TABLE generation_feedback (
        request_id uuid PRIMARY KEY,
        client_id uuid NOT NULL REFERENCES api_clients(id) ON DELETE CASCADE,
        success boolean NOT NULL,
        score numeric(6,3),
        comment text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'generation_feedback',
      'prompt_labels',
      'prompt_versions',
      'prompt_templates',
      'model_prices',
      'providers',
      'admin_sessions',
      'admin_credentials',
      'api_keys',
      'api_clients',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
