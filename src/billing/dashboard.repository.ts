import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Row } from './usage-reports.repository';

const TOTALS = `sum(requests)::bigint AS requests, sum(errors)::bigint AS errors, sum(rejected)::bigint AS rejected,
  sum(cost_usd)::text AS cost_usd, sum(input_tokens)::bigint AS input_tokens, sum(output_tokens)::bigint AS output_tokens`;

/** The console dashboard's reads: rollups for totals, the log (bounded by created_at) where percentiles need raw latencies. */
@Injectable()
export class DashboardRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private query(sql: string, params: unknown[]): Promise<Row[]> {
    return this.dataSource.query(sql, params);
  }

  /** Totals of one daily bucket; undefined when it has none. */
  async dayTotals(day: Date): Promise<Row | undefined> {
    const [row] = await this.query(`SELECT ${TOTALS} FROM llm_daily_costs WHERE bucket = $1`, [day.toISOString()]);
    return row;
  }

  /** Totals of one monthly bucket; undefined when it has none. */
  async monthTotals(month: Date): Promise<Row | undefined> {
    const [row] = await this.query(`SELECT ${TOTALS} FROM llm_monthly_costs WHERE bucket = $1`, [month.toISOString()]);
    return row;
  }

  /** Calls in [from, to] and the p50/p95/p99 latency of the successful ones (`p`, null without any). */
  async latency(from: Date, to: Date): Promise<Row | undefined> {
    const [row] = await this.query(
      `SELECT count(*)::int AS requests,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'success') AS p
       FROM llm_generation_log WHERE created_at >= $1 AND created_at <= $2`,
      [from.toISOString(), to.toISOString()],
    );
    return row;
  }

  /** The five clients that cost most in a monthly bucket. */
  topClients(month: Date): Promise<Row[]> {
    return this.query(
      `SELECT r.client_id, c.name AS client_name, sum(r.requests)::bigint AS requests, sum(r.cost_usd)::text AS cost_usd
       FROM llm_monthly_costs r LEFT JOIN api_clients c ON c.id = r.client_id WHERE r.bucket = $1
       GROUP BY r.client_id, c.name ORDER BY sum(r.cost_usd) DESC NULLS LAST, sum(r.requests) DESC LIMIT 5`,
      [month.toISOString()],
    );
  }

  /** The five models that cost most in a monthly bucket. */
  topModels(month: Date): Promise<Row[]> {
    return this.query(
      `SELECT provider, model, sum(requests)::bigint AS requests, sum(cost_usd)::text AS cost_usd
       FROM llm_monthly_costs WHERE bucket = $1 AND model IS NOT NULL
       GROUP BY provider, model ORDER BY sum(cost_usd) DESC NULLS LAST, sum(requests) DESC LIMIT 5`,
      [month.toISOString()],
    );
  }

  /** Requests and cost per daily bucket in [from, to]; days without calls have no row. */
  costPerDay(from: Date, to: Date): Promise<Row[]> {
    return this.query(
      `SELECT bucket, sum(requests)::bigint AS requests, sum(cost_usd)::text AS cost_usd
       FROM llm_daily_costs WHERE bucket >= $1 AND bucket <= $2 GROUP BY bucket`,
      [from.toISOString(), to.toISOString()],
    );
  }

  /** Per hour of [from, to] from the log: requests, errors, cost and the p50/p95 latency of successes; hours without calls have no row. */
  hourly(from: Date, to: Date): Promise<Row[]> {
    return this.query(
      `SELECT date_trunc('hour', created_at) AS hour, count(*)::int AS requests,
              count(*) FILTER (WHERE status IN ('error','cancelled'))::int AS errors, sum(cost_usd)::text AS cost_usd,
              percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY latency_ms) FILTER (WHERE status = 'success') AS p
       FROM llm_generation_log WHERE created_at >= $1 AND created_at <= $2 GROUP BY 1`,
      [from.toISOString(), to.toISOString()],
    );
  }
}
