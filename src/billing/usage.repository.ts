import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { hasTimescale } from '../database/timescale';
import type { UsageRecord } from './usage-record';

export const LOG_COLUMNS = [
  ['id', 'uuid'],
  ['created_at', 'timestamptz'],
  ['client_id', 'uuid'],
  ['api_key_id', 'uuid'],
  ['endpoint', 'text'],
  ['provider', 'text'],
  ['model', 'text'],
  ['requested_model', 'text'],
  ['template_id', 'uuid'],
  ['template_name', 'text'],
  ['template_version', 'int'],
  ['input_tokens', 'int'],
  ['output_tokens', 'int'],
  ['cached_input_tokens', 'int'],
  ['cost_usd', 'numeric'],
  ['price_unknown', 'bool'],
  ['latency_ms', 'int'],
  ['ttft_ms', 'int'],
  ['status', 'text'],
  ['error_code', 'text'],
  ['error_message', 'text'],
  ['attempts', 'smallint'],
  ['is_stream', 'bool'],
  ['metadata', 'jsonb'],
] as const;

const COLUMN_LIST = LOG_COLUMNS.map(([name]) => name).join(', ');
const UNNEST = LOG_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
const ROW = LOG_COLUMNS.map(([, type], i) => `$${i + 1}::${type}`).join(', ');
const DIMENSIONS = 'client_id, provider, model, template_id, template_version';

/** Same measures as the TimescaleDB continuous aggregates (migration CreateCostRollups). */
const MEASURES = `
  count(*), count(*) FILTER (WHERE status IN ('error','cancelled')),
  count(*) FILTER (WHERE status IN ('rate_limited','budget_exceeded','rejected')),
  sum(input_tokens), sum(output_tokens), sum(cost_usd), count(*) FILTER (WHERE price_unknown), sum(latency_ms)`;

const ROLLUP_TABLES = [
  ['llm_hourly_costs', 'hour'],
  ['llm_daily_costs', 'day'],
  ['llm_monthly_costs', 'month'],
] as const;

function rollupUpsert(table: string, unit: string): string {
  const add = (col: string) => `${col} = ${table}.${col} + EXCLUDED.${col}`;
  return `INSERT INTO ${table} (bucket, ${DIMENSIONS}, requests, errors, rejected, input_tokens, output_tokens, cost_usd, price_unknown, latency_ms_sum)
    SELECT date_trunc('${unit}', created_at, 'UTC'), ${DIMENSIONS}, ${MEASURES}
    FROM ins GROUP BY 1, ${DIMENSIONS}
    ON CONFLICT (bucket, ${DIMENSIONS}) DO UPDATE SET
      ${['requests', 'errors', 'rejected', 'input_tokens', 'output_tokens', 'price_unknown', 'latency_ms_sum'].map(add).join(', ')},
      cost_usd = coalesce(${table}.cost_usd + EXCLUDED.cost_usd, ${table}.cost_usd, EXCLUDED.cost_usd)`;
}

/**
 * One statement, hence one round trip and one transaction: the log rows, then the
 * rollups aggregated from the rows actually inserted (RETURNING), so replaying a
 * record that is already stored changes nothing.
 */
function insertSql(withRollups: boolean, oneRow: boolean): string {
  const source = oneRow ? `VALUES (${ROW})` : `SELECT ${COLUMN_LIST} FROM unnest(${UNNEST}) AS input(${COLUMN_LIST})`;
  const insert = `ins AS (
    INSERT INTO llm_generation_log (${COLUMN_LIST})
    ${source}
    ON CONFLICT (id, created_at) DO NOTHING
    RETURNING created_at, ${DIMENSIONS}, status, input_tokens, output_tokens, cost_usd, price_unknown, latency_ms)`;
  const rollups = withRollups ? ROLLUP_TABLES.map(([table, unit], i) => `, r${i} AS (${rollupUpsert(table, unit)})`).join('') : '';
  return `WITH ${insert}${rollups} SELECT count(*)::int AS inserted FROM ins`;
}

/** Prepared once per connection each; a batch of one record (every call at low load) binds 24 scalars, not 24 one-element arrays. */
const STATEMENTS = {
  rollups: { name: 'llmhub_usage_insert_rollups', text: insertSql(true, false) },
  rollupsOne: { name: 'llmhub_usage_insert_rollups_one', text: insertSql(true, true) },
  log: { name: 'llmhub_usage_insert_log', text: insertSql(false, false) },
  logOne: { name: 'llmhub_usage_insert_log_one', text: insertSql(false, true) },
};

/** PostgreSQL text and jsonb refuse NUL characters; a caller's stray \u0000 must not cost its record. */
function pgText(value: string | null): string | null {
  return value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.replaceAll('\u0000', '');
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll('\u0000', ''), withoutNul(v)]));
  return value;
}

function pgJson(value: Record<string, unknown> | null): string | null {
  if (value === null) return null;
  const json = JSON.stringify(value);
  // the cheap check first: only a value that may hold a NUL is walked
  return json.includes('\\u0000') ? JSON.stringify(withoutNul(value)) : json;
}

/** One record's values in LOG_COLUMNS order. */
export function rowValues(r: UsageRecord): unknown[] {
  return [
    r.id,
    r.createdAt.toISOString(),
    r.clientId,
    r.apiKeyId,
    pgText(r.endpoint),
    pgText(r.provider),
    pgText(r.model),
    pgText(r.requestedModel),
    r.templateId,
    pgText(r.templateName),
    r.templateVersion,
    r.inputTokens,
    r.outputTokens,
    r.cachedInputTokens,
    r.costUsd,
    r.priceUnknown,
    r.latencyMs,
    r.ttftMs,
    r.status,
    r.errorCode,
    pgText(r.errorMessage),
    r.attempts,
    r.isStream,
    pgJson(r.metadata),
  ];
}

/** Column-major arrays for unnest(): 24 parameters whatever the batch size, so the statement can stay prepared. */
export function toColumnArrays(records: readonly UsageRecord[]): unknown[][] {
  const columns: unknown[][] = LOG_COLUMNS.map(() => new Array<unknown>(records.length));
  for (let i = 0; i < records.length; i++) {
    const values = rowValues(records[i]);
    for (let c = 0; c < values.length; c++) columns[c][i] = values[c];
  }
  return columns;
}

/** The usage write path: hand-written SQL straight on the pg pool (the hot path: every call writes one row). */
@Injectable()
export class UsageRepository {
  private timescale: Promise<boolean> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Inserts the batch and updates the rollups atomically; returns how many rows were new. */
  async insertBatch(records: readonly UsageRecord[]): Promise<number> {
    if (records.length === 0) return 0;
    const timescale = await this.isTimescale();
    const one = records.length === 1;
    const statement = timescale ? (one ? STATEMENTS.logOne : STATEMENTS.log) : one ? STATEMENTS.rollupsOne : STATEMENTS.rollups;
    const result = await this.pool.query<{ inserted: number }>({
      name: statement.name,
      text: statement.text,
      values: one ? rowValues(records[0]) : toColumnArrays(records),
    });
    return result.rows[0].inserted;
  }

  /** Decided once per process; a failed probe (database down) is retried next time. */
  isTimescale(): Promise<boolean> {
    this.timescale ??= hasTimescale({ query: (sql: string) => this.pool.query(sql).then((r) => r.rows as unknown[]) }).catch((err) => {
      this.timescale = undefined;
      throw err;
    });
    return this.timescale;
  }
}
