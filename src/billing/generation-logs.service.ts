import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { cursorCodec } from '../common/pagination/cursor';
import { assertFromBeforeTo } from '../common/validation/date-range';
import { isUuid } from '../common/uuid';
import { money, toUsageItem, USAGE_ITEM_COLUMNS, UsageFilter, usageSelection } from './billing-read.service';
import { GenerationLogPageDto, GenerationLogResponseDto } from './dto/generation-log.dto';
import type { GenerationStatus } from './generation-log.entity';
import { GenerationLogRepository, LogRow } from './generation-log.repository';
import { UsageReportsRepository } from './usage-reports.repository';

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

const CSV_CHUNK_ROWS = 2_000;

function toItem(row: LogRow): GenerationLogResponseDto {
  const { id, created_at, created_at_key: _key, cost_usd, ...rest } = row;
  return { request_id: id, created_at: created_at.toISOString(), ...rest, cost_usd: cost_usd === null ? null : money(cost_usd) };
}

/** created_at as PostgreSQL prints a timestamptz (DateStyle ISO): `2026-11-30 19:21:32.123456+00`, an offset with minutes or seconds too. */
const PG_TIMESTAMPTZ_TEXT = /^(\d{4,6})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?[+-](\d{2})(?::[0-5]\d){0,2}$/;

/**
 * The text when it is a timestamp PostgreSQL could have printed for created_at: a real calendar
 * day and time of day, an offset it accepts. Anything else (`2026-99-99 …`, `1`, `Dec 2 2026`)
 * would reach the query as a cast PostgreSQL refuses (a 500) or reads some other way.
 */
function parseCreatedAtKey(text: string): string | undefined {
  const match = PG_TIMESTAMPTZ_TEXT.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second, offsetHours] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year); // Date.UTC reads years 0-99 as 1900-1999
  const realDay = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return year >= 1 && realDay && hour < 24 && minute < 60 && second < 60 && offsetHours <= 15 ? text : undefined;
}

/** Newest first by (created_at, id): the key is PostgreSQL's own text of created_at, microseconds kept. */
export const logCursor = cursorCodec<string>({
  layout: 'json',
  keyToText: (createdAtKey) => createdAtKey,
  parseKey: parseCreatedAtKey,
  invalid: { message: 'cursor is not valid', detail: 'use next_cursor from a previous page' },
});

/**
 * A text a spreadsheet would read as a formula: one starting with =, +, -, @, a tab or a carriage
 * return (OWASP's list), or their full-width forms, which some spreadsheets read the same way.
 */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break. A text value that
 * a spreadsheet would run as a formula (a client named `=HYPERLINK(…)`) gets a leading `'` and
 * is quoted, so it opens as the text it is; numbers are written as they are.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  let text = value instanceof Date ? value.toISOString() : typeof value === 'object' ? JSON.stringify(value) : `${value as string}`;
  const formula = FORMULA_START.test(text);
  if (formula) text = `'${text}`;
  return formula || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The raw log for the admin console: keyset-paged lists, single rows, and the streamed CSV export. */
@Injectable()
export class GenerationLogService {
  constructor(
    private readonly log: GenerationLogRepository,
    private readonly reports: UsageReportsRepository,
  ) {}

  /** Newest first, paged by keyset on (created_at, id). */
  async list(filter: LogFilter): Promise<GenerationLogPageDto> {
    const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
    const from = filter.from ? new Date(filter.from) : undefined;
    const to = filter.to ? new Date(filter.to) : undefined;
    assertFromBeforeTo(from, to);
    const rows = await this.log.page({
      clientId: filter.clientId,
      provider: filter.provider,
      model: filter.model,
      status: filter.status,
      templateId: filter.templateId,
      from: from?.toISOString(),
      to: to?.toISOString(),
      after: logCursor.decode(filter.cursor),
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return { items: page.map(toItem), next_cursor: rows.length > limit && last ? logCursor.encode({ key: last.created_at_key, id: last.id }) : null };
  }

  /** One call by request id; 404 when unknown. */
  async get(requestId: string): Promise<GenerationLogResponseDto> {
    if (!isUuid(requestId)) throw new AppError('not_found', `Generation ${requestId} not found`);
    const row = await this.log.findById(requestId);
    if (!row) throw new AppError('not_found', `Generation ${requestId} not found`);
    return toItem(row);
  }

  /**
   * The usage report's rows (same parameters, same query, same figures) as CSV,
   * read through a server-side cursor and written chunk by chunk, so an export
   * of any size never sits in memory.
   */
  async exportCsv(filter: UsageFilter, write: CsvSink): Promise<void> {
    const { selection } = usageSelection(filter);
    await this.reports.withUsageCursor(selection, async (fetch) => {
      await write(`${USAGE_ITEM_COLUMNS.join(',')}\r\n`);
      for (;;) {
        const rows = await fetch(CSV_CHUNK_ROWS);
        if (rows.length === 0) break;
        const lines = rows.map((row) => {
          const item = toUsageItem(row);
          return USAGE_ITEM_COLUMNS.map((col) => csvField(item[col])).join(',');
        });
        await write(`${lines.join('\r\n')}\r\n`);
      }
    });
  }
}
