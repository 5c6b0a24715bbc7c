import { Injectable } from '@nestjs/common';
import Decimal from 'decimal.js';
import { money } from './billing-read.service';
import { DashboardRepository } from './dashboard.repository';
import { ExactDecimal } from './exact-decimal';
import { DashboardPeriodDto, DashboardResponseDto, DashboardRollupsDto } from './dto/dashboard.dto';
import { JobHealthService } from './job-health.service';
import { addUnits, floorTo } from './rollup-buckets';
import type { Row } from './usage-reports.repository';

function period(row: Row | undefined): DashboardPeriodDto {
  return {
    requests: Number(row?.requests ?? 0),
    errors: Number(row?.errors ?? 0),
    rejected: Number(row?.rejected ?? 0),
    cost_usd: money(row?.cost_usd as string | null | undefined),
    input_tokens: Number(row?.input_tokens ?? 0),
    output_tokens: Number(row?.output_tokens ?? 0),
  };
}

/** Month-to-date cost at the month's average rate so far, carried to the end of the UTC month; 6 decimals. */
export function monthEndForecast(monthToDateUsd: string, monthStart: Date, now: Date): string {
  const elapsed = now.getTime() - monthStart.getTime();
  if (elapsed <= 0) return money(monthToDateUsd);
  const length = addUnits(monthStart, 'month', 1).getTime() - monthStart.getTime();
  return new ExactDecimal(monthToDateUsd).times(length).div(elapsed).toDecimalPlaces(6).toFixed();
}

/** The console's headline figures: rollups for totals, the log's last hour only for latency percentiles. */
@Injectable()
export class DashboardService {
  constructor(
    private readonly figures: DashboardRepository,
    private readonly jobHealth: JobHealthService,
  ) {}

  /** Whether the rollups are current, so the console can say when its figures lag. */
  private async rollups(now: Date): Promise<DashboardRollupsDto> {
    const report = await this.jobHealth.report(now);
    return { ...report.rollups, failing_jobs: report.jobs.filter((j) => j.state !== 'ok').map((j) => j.name) };
  }

  async get(now = new Date()): Promise<DashboardResponseDto> {
    const today = floorTo(now, 'day');
    const month = floorTo(now, 'month');
    const firstDay = addUnits(today, 'day', -29);
    const firstHour = addUnits(floorTo(now, 'hour'), 'hour', -23);
    const [todayRow, monthRow, latency, topClients, topModels, days, hours, rollups] = await Promise.all([
      this.figures.dayTotals(today),
      this.figures.monthTotals(month),
      this.figures.latency(new Date(now.getTime() - 3_600_000), now),
      this.figures.topClients(month),
      this.figures.topModels(month),
      this.figures.costPerDay(firstDay, today),
      // percentiles need the raw latencies, so the 24-hour series reads the log
      this.figures.hourly(firstHour, now),
      this.rollups(now),
    ]);
    const byHour = new Map(hours.map((h) => [(h.hour as Date).getTime(), h]));
    const byDay = new Map(days.map((d) => [(d.bucket as Date).getTime(), d]));
    const todayTotals = period(todayRow);
    const percentiles = (latency?.p as number[] | null) ?? null;
    const round = (v: number | undefined) => (v === undefined || v === null ? null : Math.round(v * 10) / 10);
    const monthToDate = period(monthRow);
    return {
      generated_at: now.toISOString(),
      today: todayTotals,
      month_to_date: monthToDate,
      month_end_forecast_usd: monthEndForecast(monthToDate.cost_usd, month, now),
      error_rate_today: todayTotals.requests ? new Decimal(todayTotals.errors).div(todayTotals.requests).toDecimalPlaces(4).toNumber() : 0,
      last_hour: {
        requests: Number(latency?.requests ?? 0),
        latency_ms_p50: round(percentiles?.[0]),
        latency_ms_p95: round(percentiles?.[1]),
        latency_ms_p99: round(percentiles?.[2]),
      },
      top_clients: topClients.map((r) => ({
        client_id: r.client_id as string | null,
        client_name: r.client_name as string | null,
        requests: Number(r.requests),
        cost_usd: money(r.cost_usd as string | null),
      })),
      top_models: topModels.map((r) => ({
        provider: r.provider as string | null,
        model: r.model as string | null,
        requests: Number(r.requests),
        cost_usd: money(r.cost_usd as string | null),
      })),
      cost_per_day: Array.from({ length: 30 }, (_, i) => {
        const day = addUnits(firstDay, 'day', i);
        const row = byDay.get(day.getTime());
        return { day: day.toISOString().slice(0, 10), requests: Number(row?.requests ?? 0), cost_usd: money(row?.cost_usd as string | null | undefined) };
      }),
      rollups,
      last_24_hours: Array.from({ length: 24 }, (_, i) => {
        const hour = addUnits(firstHour, 'hour', i);
        const row = byHour.get(hour.getTime());
        const requests = Number(row?.requests ?? 0);
        const errors = Number(row?.errors ?? 0);
        const p = (row?.p as unknown as number[] | null | undefined) ?? null;
        return {
          hour: hour.toISOString(),
          requests,
          errors,
          error_rate: requests ? new Decimal(errors).div(requests).toDecimalPlaces(4).toNumber() : 0,
          cost_usd: money(row?.cost_usd as string | null | undefined),
          latency_ms_p50: round(p?.[0]),
          latency_ms_p95: round(p?.[1]),
        };
      }),
    };
  }
}
