import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { GenerationLogResponseDto } from './dto/generation-log.dto';
import type { GenerationStatus } from './generation-log.entity';
import { FOLDED_BELOW } from './rollup-fold';
import { modelFilterSql } from './model-filter';

/** One row as read for the console; created_at_key is created_at as PostgreSQL prints it (microseconds), for the keyset cursor. */
export type LogRow = Omit<GenerationLogResponseDto, 'request_id' | 'created_at'> & { id: string; created_at: Date; created_at_key: string };

/** Which rows a page holds: every filter is optional; `after` is the keyset (created_at as text, id) of the previous page's last row. */
export interface LogPageQuery {
  clientId?: string;
  provider?: string;
  model?: string;
  status?: GenerationStatus;
  templateId?: string;
  /** ISO timestamps, [from, to) */
  from?: string;
  to?: string;
  after?: { key: string; id: string };
  limit: number;
}

const LOG_SELECT = `id, created_at, created_at::text AS created_at_key, client_id, api_key_id, endpoint, provider, model, requested_model,
  template_id, template_name, template_version, input_tokens, output_tokens, cached_input_tokens, cost_usd::text AS cost_usd,
  price_unknown, latency_ms, ttft_ms, status, error_code, error_message, attempts, is_stream, metadata`;

/** Rows deleted per statement, so no statement holds locks or bloats WAL for long. */
const PURGE_BATCH_ROWS = 10_000;
/** One instance deletes at a time. */
const RETENTION_LOCK = 7_461_012;
/** Plain PostgreSQL: a row not folded into the rollups yet is kept until it is (its cost must reach them). */
const FOLDED = `(xact_id IS NULL OR xact_id < ${FOLDED_BELOW})`;

/** Row-level reads of llm_generation_log, and the deletion of old rows (the writes are UsageRepository's). */
@Injectable()
export class GenerationLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, by (created_at, id). */
  page(query: LogPageQuery): Promise<LogRow[]> {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (query.clientId) add((p) => `client_id = ${p}`, query.clientId);
    if (query.provider) add((p) => `provider = ${p}`, query.provider);
    if (query.model)
      where.push(
        modelFilterSql(
          (name) => name,
          query.model,
          (value) => `$${params.push(value)}`,
        ),
      );
    if (query.status) add((p) => `status = ${p}`, query.status);
    if (query.templateId) add((p) => `template_id = ${p}`, query.templateId);
    if (query.from) add((p) => `created_at >= ${p}`, query.from);
    if (query.to) add((p) => `created_at < ${p}`, query.to);
    if (query.after) {
      params.push(query.after.key, query.after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(query.limit);
    return this.dataSource.query(
      `SELECT ${LOG_SELECT} FROM llm_generation_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
  }

  async findById(id: string): Promise<LogRow | null> {
    const rows: LogRow[] = await this.dataSource.query(`SELECT ${LOG_SELECT} FROM llm_generation_log WHERE id = $1 LIMIT 1`, [id]);
    return rows[0] ?? null;
  }

  /**
   * Deletes the rows created before `cutoff` in bounded batches; returns how
   * many. 0 without deleting when another instance is already at it.
   */
  async deleteCreatedBefore(cutoff: string): Promise<number> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let deleted = 0;
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK])) as { locked: boolean }[];
      if (!locked) return 0;
      try {
        for (;;) {
          const rows = (await runner.query(
            `WITH gone AS (
               DELETE FROM llm_generation_log WHERE ctid = ANY (ARRAY(
                 SELECT ctid FROM llm_generation_log WHERE created_at < $1 AND ${FOLDED} LIMIT ${PURGE_BATCH_ROWS}))
               RETURNING 1)
             SELECT count(*)::int AS n FROM gone`,
            [cutoff],
          )) as { n: number }[];
          deleted += rows[0].n;
          if (rows[0].n < PURGE_BATCH_ROWS) break;
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
    return deleted;
  }
}
