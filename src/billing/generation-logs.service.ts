import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '../common/errors/app-error';
import { cursorCodec } from '../common/pagination/cursor';
import { money, Row, toUsageItem, USAGE_ITEM_COLUMNS, UsageFilter, usageQuery } from './billing-read.service';
import type { GenerationStatus } from './generation-log.entity';
import { GenerationLogPageDto, GenerationLogResponseDto } from './dto/generation-log.dto';
import { isUuid } from '../common/uuid';

export interface LogFilter {
  clientId?: string;
  provider?: string;
  model?: string;
  status?: GenerationStatus;
  templateId?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
}

/** Anything a chunk of CSV can be written to; resolves when it may take more (backpressure). */
export type CsvSink = (chunk: string) => Promise<void>;

const LOG_SELECT = `id, created_at, created_at::text AS created_at_key, client_id, api_key_id, endpoint, provider, model, requested_model,
  template_id, template_name, template_version, input_tokens, output_tokens, cached_input_tokens, cost_usd::text AS cost_usd,
  price_unknown, latency_ms, ttft_ms, status, error_code, error_message, attempts, is_stream, metadata`;
const CSV_CHUNK_ROWS = 2_000;

type LogRow = Omit<GenerationLogResponseDto, 'request_id' | 'created_at'> & { id: string; created_at: Date; created_at_key: string };

function toItem(row: LogRow): GenerationLogResponseDto {
  const { id, created_at, created_at_key: _key, cost_usd, ...rest } = row;
  return { request_id: id, created_at: created_at.toISOString(), ...rest, cost_usd: cost_usd === null ? null : money(cost_usd) };
}

/** Newest first by (created_at, id): the key is PostgreSQL's own text of created_at, microseconds kept. */
export const logCursor = cursorCodec<string>({
  layout: 'json',
  keyToText: (createdAtKey) => createdAtKey,
  parseKey: (text) => (!Number.isNaN(new Date(text.replace(' ', 'T')).getTime()) || /^\d{4}-/.test(text) ? text : undefined),
  invalid: { message: 'cursor is not valid', detail: 'use next_cursor from a previous page' },
});

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : `${value as string | number | boolean}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The raw log for the admin console: keyset-paged lists, single rows, and the streamed CSV export. */
@Injectable()
export class GenerationLogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Newest first, paged by keyset on (created_at, id). */
  async list(filter: LogFilter): Promise<GenerationLogPageDto> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (filter.clientId) add((p) => `client_id = ${p}`, filter.clientId);
    if (filter.provider) add((p) => `provider = ${p}`, filter.provider);
    if (filter.model) add((p) => `model = ${p}`, filter.model);
    if (filter.status) add((p) => `status = ${p}`, filter.status);
    if (filter.templateId) add((p) => `template_id = ${p}`, filter.templateId);
    if (filter.from) add((p) => `created_at >= ${p}`, new Date(filter.from).toISOString());
    if (filter.to) add((p) => `created_at < ${p}`, new Date(filter.to).toISOString());
    const after = logCursor.decode(filter.cursor);
    if (after) {
      params.push(after.key, after.id);
      where.push(`(created_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const rows: LogRow[] = await this.dataSource.query(
      `SELECT ${LOG_SELECT} FROM llm_generation_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toItem), next_cursor: rows.length > limit && last ? logCursor.encode({ key: last.created_at_key, id: last.id }) : null };
  }

  /** One call by request id; 404 when unknown. */
  async get(requestId: string): Promise<GenerationLogResponseDto> {
    if (!isUuid(requestId)) throw new AppError('not_found', `Generation ${requestId} not found`);
    const rows: LogRow[] = await this.dataSource.query(`SELECT ${LOG_SELECT} FROM llm_generation_log WHERE id = $1 LIMIT 1`, [requestId]);
    if (rows.length === 0) throw new AppError('not_found', `Generation ${requestId} not found`);
    return toItem(rows[0]);
  }

  /**
   * The usage report's rows (same parameters, same query, same figures) as CSV,
   * read through a server-side cursor and written chunk by chunk, so an export
   * of any size never sits in memory.
   */
  async exportCsv(filter: UsageFilter, write: CsvSink): Promise<void> {
    const { sql, params } = usageQuery(filter);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(`DECLARE usage_export NO SCROLL CURSOR FOR ${sql}`, params);
      await write(`${USAGE_ITEM_COLUMNS.join(',')}\r\n`);
      for (;;) {
        const rows = (await runner.query(`FETCH ${CSV_CHUNK_ROWS} FROM usage_export`)) as Record<string, unknown>[];
        if (rows.length === 0) break;
        const lines = rows.map((row) => {
          const item = toUsageItem(row as Row);
          return USAGE_ITEM_COLUMNS.map((col) => csvField(item[col])).join(',');
        });
        await write(`${lines.join('\r\n')}\r\n`);
      }
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }
}
