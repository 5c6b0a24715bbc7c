import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { AppError } from '../common/errors/app-error';
import { assertFromBeforeTo } from '../common/validation/date-range';
import { periodBounds } from './budget-period';
import { ExactDecimal } from './exact-decimal';
import { BillingSummaryResponseDto, TopSpendersResponseDto, UsageGroup, UsageItemDto, UsageResponseDto, UsageTotalsDto } from './dto/billing.dto';
import { addUnits, ceilTo, floorTo, Granularity, splitRange } from './rollup-buckets';
import { RollupSelection, Row, UsageReportsRepository } from './usage-reports.repository';

export interface UsageFilter {
  from?: string;
  to?: string;
  granularity?: Granularity;
  groupBy?: UsageGroup;
  clientId?: string;
  provider?: string;
  model?: string;
}

/** Widest range per granularity, so a report stays a bounded read. */
const MAX_RANGE_DAYS: Record<Granularity, number> = { hour: 31, day: 1_100, month: 36_500 };
const DAY_MS = 86_400_000;

export function money(value: string | null | undefined): string {
  return value === null || value === undefined ? '0' : new Decimal(value).toFixed();
}

function parseDate(value: string | undefined, field: string, fallback: Date): Date {
  if (value === undefined) return fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new AppError('validation_error', `${field} is not a valid date`, [{ field, message: 'expected an ISO 8601 date' }]);
  return date;
}

/** Validated [from, to) for a report; errors name the field. */
export function reportRange(fromRaw: string | undefined, toRaw: string | undefined, granularity: Granularity, now = new Date()) {
  const to = parseDate(toRaw, 'to', now);
  const from = parseDate(fromRaw, 'from', new Date(to.getTime() - 30 * DAY_MS));
  assertFromBeforeTo(from, toRaw === undefined ? undefined : to, now);
  if (to.getTime() - from.getTime() > MAX_RANGE_DAYS[granularity] * DAY_MS) {
    const message = `range too large for granularity ${granularity} (at most ${MAX_RANGE_DAYS[granularity]} days)`;
    throw new AppError('validation_error', message, [{ field: 'granularity', message }]);
  }
  return { from, to };
}

/**
 * What the usage report and the CSV export read for the same parameters, so
 * both give the same rows: the validated range and the rollup rows it covers
 * (the first bucket floored to the granularity).
 */
export function usageSelection(filter: UsageFilter): { selection: RollupSelection; from: Date; to: Date; granularity: Granularity } {
  const granularity = filter.granularity ?? 'day';
  const { from, to } = reportRange(filter.from, filter.to, granularity);
  const { clientId, provider, model, groupBy } = filter;
  return { selection: { granularity, from: floorTo(from, granularity), to, clientId, provider, model, groupBy }, from, to, granularity };
}

/** The range a usage report's whole buckets cover: the requested one widened to the granularity (UTC). */
export function coveredRange(filter: UsageFilter): { from: Date; to: Date } {
  const { selection, to, granularity } = usageSelection(filter);
  return { from: selection.from, to: ceilTo(to, granularity) };
}

/** The columns of a usage item in order (the CSV header); group columns are empty when not grouped by them. */
export const USAGE_ITEM_COLUMNS = [
  'bucket',
  'client_id',
  'client_name',
  'provider',
  'model',
  'template',
  'template_id',
  'template_version',
  'requests',
  'errors',
  'rejected',
  'input_tokens',
  'output_tokens',
  'cost_usd',
  'price_unknown',
  'avg_latency_ms',
] as const;

/** One row of usageQuery as a report item (money as a decimal string). */
export function toUsageItem(row: Row): UsageItemDto {
  const item: UsageItemDto = { bucket: (row.bucket as Date).toISOString(), ...totalsOf([row]) };
  for (const key of ['client_id', 'client_name', 'provider', 'model', 'template', 'template_id'] as const) {
    if (key in row) item[key] = row[key] as string | null;
  }
  if ('template_version' in row) item.template_version = row.template_version === null ? null : Number(row.template_version);
  return item;
}

function totalsOf(rows: readonly Row[]): UsageTotalsDto {
  let cost = new ExactDecimal(0);
  const t = { requests: 0, errors: 0, rejected: 0, input_tokens: 0, output_tokens: 0, price_unknown: 0, latency: 0 };
  for (const r of rows) {
    t.requests += Number(r.requests ?? 0);
    t.errors += Number(r.errors ?? 0);
    t.rejected += Number(r.rejected ?? 0);
    t.input_tokens += Number(r.input_tokens ?? 0);
    t.output_tokens += Number(r.output_tokens ?? 0);
    t.price_unknown += Number(r.price_unknown ?? 0);
    t.latency += Number(r.latency_ms_sum ?? 0);
    if (r.cost_usd !== null && r.cost_usd !== undefined) cost = cost.plus(String(r.cost_usd));
  }
  const { latency, ...counts } = t;
  // a refused call reached no provider and took no time: averaged in, it made the answered calls look faster
  const answered = t.requests - t.rejected;
  return { ...counts, cost_usd: cost.toFixed(), avg_latency_ms: answered > 0 ? Math.round(latency / answered) : 0 };
}

/** Reports: every figure comes from the rollups, never from a scan of the log. */
@Injectable()
export class BillingReadService {
  constructor(private readonly reports: UsageReportsRepository) {}

  /**
   * Exact spend of one client over [from, to) as a decimal string: whole months,
   * days and hours from the matching rollup, partial hours at the edges from the
   * log (the current hour from its hourly bucket, which holds nothing later than now).
   */
  async clientSpend(clientId: string, from: Date, to: Date): Promise<string> {
    const parts = splitRange(from, to);
    if (parts.length === 0) return '0';
    return money(await this.reports.clientCost(clientId, parts, Date.now()));
  }

  /** clientSpend of several clients over the same range, in one read: each id's spend ('0' for none). */
  async clientsSpend(clientIds: readonly string[], from: Date, to: Date): Promise<Map<string, string>> {
    const costs = await this.reports.clientsCost(clientIds, splitRange(from, to), Date.now());
    return new Map(clientIds.map((id) => [id, money(costs.get(id))]));
  }

  /**
   * Usage series for one client (client routes) or across clients (admin). The figures are whole
   * rollup buckets, so `from` and `to` answer the range they cover: the requested one widened to
   * the granularity (a report from 10:30 by hour counts the calls from 10:00).
   */
  async usage(filter: UsageFilter): Promise<UsageResponseDto> {
    const { selection, granularity } = usageSelection(filter);
    const covered = coveredRange(filter);
    const rows = await this.reports.usage(selection);
    const items = rows.map(toUsageItem);
    return {
      from: covered.from.toISOString(),
      to: covered.to.toISOString(),
      granularity,
      group_by: filter.groupBy ?? null,
      items,
      totals: totalsOf(rows),
    };
  }

  /**
   * The calendar month so far (UTC), with the client's budget and what remains of it. The budget counts
   * its own period (budget_period in budget_timezone: a day, a week or a month), so what remains is the
   * budget less that period's spend, as the 402 and the admin API count it, not less the month's.
   */
  async clientSummary(clientId: string, now = new Date()): Promise<BillingSummaryResponseDto> {
    const periodStart = floorTo(now, 'month');
    const [month, policy] = await Promise.all([this.reports.monthTotals(clientId, periodStart), this.reports.budget(clientId)]);
    const budget = policy?.budget ?? null;
    const totals = totalsOf(month ? [month] : []);
    let remaining: string | null = null;
    if (policy && budget !== null) {
      const period = periodBounds(policy.period, policy.timeZone, now);
      const spent = await this.clientSpend(clientId, period.start, period.end);
      remaining = ExactDecimal.max(0, new ExactDecimal(budget).minus(spent)).toFixed();
    }
    return {
      period_start: periodStart.toISOString(),
      period_end: addUnits(periodStart, 'month', 1).toISOString(),
      month_to_date_cost_usd: totals.cost_usd,
      budget_usd: budget === null ? null : money(budget),
      remaining_usd: remaining,
      requests: totals.requests,
      errors: totals.errors,
      rejected: totals.rejected,
      input_tokens: totals.input_tokens,
      output_tokens: totals.output_tokens,
    };
  }

  /** Clients by cost over a range (default: this month), from the coarsest rollup aligned with its start. */
  async topSpenders(fromRaw: string | undefined, toRaw: string | undefined, limit = 10): Promise<TopSpendersResponseDto> {
    const now = new Date();
    const { from, to } = reportRange(fromRaw ?? floorTo(now, 'month').toISOString(), toRaw, 'month', now);
    const unit: Granularity =
      floorTo(from, 'month').getTime() === from.getTime() ? 'month' : floorTo(from, 'day').getTime() === from.getTime() ? 'day' : 'hour';
    const rows = await this.reports.topSpenders(unit, floorTo(from, unit), to, limit);
    // whole buckets of that rollup: the range they cover
    return {
      from: floorTo(from, unit).toISOString(),
      to: ceilTo(to, unit).toISOString(),
      items: rows.map((row) => {
        const t = totalsOf([row]);
        return {
          client_id: row.client_id as string | null,
          client_name: row.client_name as string | null,
          requests: t.requests,
          input_tokens: t.input_tokens,
          output_tokens: t.output_tokens,
          cost_usd: t.cost_usd,
        };
      }),
    };
  }
}
