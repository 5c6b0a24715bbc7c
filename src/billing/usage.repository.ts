import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { asyncCommitPool } from '../database/async-commit-pool';
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

/**
 * The log rows alone: the cost rollups are folded from them afterwards (by
 * TimescaleDB, or by the rollup fold on plain PostgreSQL). Replaying a record
 * that is already stored inserts nothing.
 */
function insertSql(oneRow: boolean): string {
  const source = oneRow ? `VALUES (${ROW})` : `SELECT ${COLUMN_LIST} FROM unnest(${UNNEST}) AS input(${COLUMN_LIST})`;
  return `INSERT INTO llm_generation_log (${COLUMN_LIST}) ${source} ON CONFLICT (id, created_at) DO NOTHING`;
}

/** Prepared once per connection each; a batch of one record (every call at low load) binds 24 scalars, not 24 one-element arrays. */
const STATEMENTS = {
  batch: { name: 'llmhub_usage_insert', text: insertSql(false) },
  one: { name: 'llmhub_usage_insert_one', text: insertSql(true) },
};

/** PostgreSQL text and jsonb refuse NUL characters; a caller's stray \u0000 must not cost its record. */
function pgText(value: string | null): string | null {
  return value !== null && value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
}

/** A UTF-16 half of a pair without its other half: JSON.stringify writes it as \udXXX, which jsonb refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd');
}

function storable(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storable(v)]));
  return value;
}

/**
 * jsonb refuses NUL and lone surrogates (a caller's metadata may hold either): they are dropped and
 * replaced by U+FFFD, so the record is stored rather than refused.
 */
function pgJson(value: Record<string, unknown> | null): string | null {
  if (value === null) return null;
  const json = JSON.stringify(value);
  // the cheap check first: JSON.stringify writes both as \u escapes, so only a value with one is walked
  return json.includes('\\u') ? JSON.stringify(storable(value)) : json;
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

/** How an insert's commit is acknowledged: as configured, or always after the flush to disk. */
export type CommitWait = 'configured' | 'flushed';

/**
 * The usage write path: hand-written SQL straight on the pg pool (the hot path:
 * every call writes one row). With USAGE_SYNCHRONOUS_COMMIT=off the calls'
 * inserts go through a pool of their own whose commits do not wait for the flush.
 */
@Injectable()
export class UsageRepository implements OnApplicationShutdown {
  private readonly logger = new Logger(UsageRepository.name);
  private asyncPool: Pool | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'usageSynchronousCommit'>,
  ) {}

  get pool(): Pool {
    return (this.dataSource.driver as PostgresDriver).master as Pool;
  }

  /** Inserts the batch in one statement (one transaction); returns how many rows were new. */
  async insertBatch(records: readonly UsageRecord[], wait: CommitWait = 'configured'): Promise<number> {
    if (records.length === 0) return 0;
    const one = records.length === 1;
    const statement = one ? STATEMENTS.one : STATEMENTS.batch;
    const pool = wait === 'flushed' || this.config.usageSynchronousCommit ? this.pool : this.unflushedPool();
    const result = await pool.query({ name: statement.name, text: statement.text, values: one ? rowValues(records[0]) : toColumnArrays(records) });
    return result.rowCount ?? 0;
  }

  /** After the recorder's last flush (its beforeApplicationShutdown) and before TypeORM closes the main pool. */
  async onApplicationShutdown(): Promise<void> {
    await this.asyncPool?.end().catch(() => undefined);
    this.asyncPool = undefined;
  }

  // the recorder keeps one insert in flight; a second connection for when a timed-out insert still holds the first
  private unflushedPool(): Pool {
    this.asyncPool ??= asyncCommitPool(this.dataSource, 2, this.logger, 'Usage insert');
    return this.asyncPool;
  }
}
