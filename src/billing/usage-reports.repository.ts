import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { BudgetPeriod } from './budget-period';
import type { UsageGroup } from './dto/billing.dto';
import { modelFilterSql } from './model-filter';
import { floorTo, Granularity, RangePart, ROLLUP_TABLE } from './rollup-buckets';

/** A row of aggregates as node-postgres returns it: bigint and numeric as strings. */
export type Row = Record<string, string | number | Date | null>;

/** The rollup rows a report covers: buckets in [from, to) of one granularity, optional filters, optional grouping. */
export interface RollupSelection {
  granularity: Granularity;
  /** the first bucket (floored to the granularity) */
  from: Date;
  to: Date;
  clientId?: string;
  provider?: string;
  model?: string;
  groupBy?: UsageGroup;
}

const GROUP_COLUMNS: Record<UsageGroup, { select: string; group: string; join: string }> = {
  client: { select: 'r.client_id, c.name AS client_name', group: 'r.client_id, c.name', join: 'LEFT JOIN api_clients c ON c.id = r.client_id' },
  provider: { select: 'r.provider', group: 'r.provider', join: '' },
  model: { select: 'r.provider, r.model', group: 'r.provider, r.model', join: '' },
  template: {
    select: 't.name AS template, r.template_id, r.template_version',
    group: 't.name, r.template_id, r.template_version',
    join: 'LEFT JOIN prompt_templates t ON t.id = r.template_id',
  },
};

const SUMS = `sum(r.requests)::bigint AS requests, sum(r.errors)::bigint AS errors, sum(r.rejected)::bigint AS rejected,
  sum(r.input_tokens)::bigint AS input_tokens, sum(r.output_tokens)::bigint AS output_tokens, sum(r.cost_usd)::text AS cost_usd,
  sum(r.price_unknown)::bigint AS price_unknown, sum(r.latency_ms_sum)::bigint AS latency_ms_sum`;

/**
 * The one query behind the usage report and the CSV export, so both give the
 * same rows: one row per bucket, or per bucket and group when `groupBy` is given.
 */
function usageSql(selection: RollupSelection): { sql: string; params: unknown[] } {
  const params: unknown[] = [selection.from.toISOString(), selection.to.toISOString()];
  const where = ['r.bucket >= $1', 'r.bucket < $2'];
  for (const [column, value] of [
    ['client_id', selection.clientId],
    ['provider', selection.provider],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`r.${column} = $${params.length}`);
  }
  if (selection.model !== undefined)
    where.push(
      modelFilterSql(
        (name) => `r.${name}`,
        selection.model,
        (value) => `$${params.push(value)}`,
      ),
    );
  const group = selection.groupBy ? GROUP_COLUMNS[selection.groupBy] : undefined;
  const sql = `SELECT r.bucket${group ? `, ${group.select}` : ''}, ${SUMS}
       FROM ${ROLLUP_TABLE[selection.granularity]} r ${group?.join ?? ''}
       WHERE ${where.join(' AND ')}
       GROUP BY r.bucket${group ? `, ${group.group}` : ''}
       ORDER BY r.bucket${group ? `, ${group.group}` : ''}`;
  return { sql, params };
}

/** Reads of the cost rollups (llm_hourly/daily/monthly_costs) for reports, and of the log where a range has ragged edges. */
@Injectable()
export class UsageReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The client's summed cost over the parts of a range, exact, as text (null
   * when nothing was priced): each part from its rollup or the log, the
   * current hour from its hourly bucket, which holds nothing later than now.
   */
  async clientCost(clientId: string, parts: readonly RangePart[], now: number): Promise<string | null> {
    return (await this.clientsCost([clientId], parts, now)).get(clientId) ?? null;
  }

  /**
   * The same for several clients over one range, in one statement (a page of clients is one
   * read, not one per client): each client's total by id; a client with nothing priced is absent.
   */
  async clientsCost(clientIds: readonly string[], parts: readonly RangePart[], now: number): Promise<Map<string, string | null>> {
    if (clientIds.length === 0 || parts.length === 0) return new Map();
    const params: unknown[] = [clientIds];
    const sum = (from: string, where: string) => `SELECT client_id, sum(cost_usd) AS c FROM ${from} WHERE client_id = ANY($1) AND ${where} GROUP BY client_id`;
    const selects = parts.map((part) => {
      if (part.source === 'log' && part.to.getTime() >= now && part.from.getTime() === floorTo(part.from, 'hour').getTime()) {
        params.push(part.from.toISOString());
        return sum('llm_hourly_costs', `bucket = $${params.length}`);
      }
      params.push(part.from.toISOString(), part.to.toISOString());
      const [a, b] = [`$${params.length - 1}`, `$${params.length}`];
      if (part.source === 'log') return sum('llm_generation_log', `created_at >= ${a} AND created_at < ${b}`);
      return sum(ROLLUP_TABLE[part.source], `bucket >= ${a} AND bucket < ${b}`);
    });
    const rows: { client_id: string; total: string | null }[] = await this.dataSource.query(
      `SELECT client_id::text AS client_id, sum(c)::text AS total FROM (${selects.join(' UNION ALL ')}) parts GROUP BY client_id`,
      params,
    );
    return new Map(rows.map((row) => [row.client_id, row.total]));
  }

  /** The usage report's rows, ordered by bucket (and group). */
  usage(selection: RollupSelection): Promise<Row[]> {
    const { sql, params } = usageSql(selection);
    return this.dataSource.query(sql, params);
  }

  /**
   * The usage report's rows through a server-side cursor in one REPEATABLE READ
   * snapshot, so a read of any size never sits in memory: `read` gets a function
   * fetching the next rows (none at the end); the cursor closes when `read` settles.
   */
  async withUsageCursor(selection: RollupSelection, read: (fetch: (rows: number) => Promise<Row[]>) => Promise<void>): Promise<void> {
    const { sql, params } = usageSql(selection);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query(`DECLARE usage_export NO SCROLL CURSOR FOR ${sql}`, params);
      await read(async (rows) => (await runner.query(`FETCH ${Math.trunc(rows)} FROM usage_export`)) as Row[]);
      await runner.commitTransaction();
    } catch (err) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw err;
    } finally {
      await runner.release();
    }
  }

  /** The client's totals in one monthly bucket; undefined when it has none. */
  async monthTotals(clientId: string, month: Date): Promise<Row | undefined> {
    const [row]: Row[] = await this.dataSource.query(`SELECT ${SUMS} FROM llm_monthly_costs r WHERE r.client_id = $1 AND r.bucket = $2`, [
      clientId,
      month.toISOString(),
    ]);
    return row;
  }

  /** The client's budget per period (numeric as text) and the period it counts; undefined for an unknown client. */
  async budget(clientId: string): Promise<{ budget: string | null; period: BudgetPeriod; timeZone: string } | undefined> {
    const [client]: { budget: string | null; period: BudgetPeriod; timeZone: string }[] = await this.dataSource.query(
      `SELECT monthly_budget_usd::text AS budget, budget_period AS period, budget_timezone AS "timeZone" FROM api_clients WHERE id = $1`,
      [clientId],
    );
    return client;
  }

  /** Clients by cost, then by requests, over [from, to) of one rollup; `from` is a bucket of it. */
  topSpenders(granularity: Granularity, from: Date, to: Date, limit: number): Promise<Row[]> {
    return this.dataSource.query(
      `SELECT r.client_id, c.name AS client_name, ${SUMS}
       FROM ${ROLLUP_TABLE[granularity]} r LEFT JOIN api_clients c ON c.id = r.client_id
       WHERE r.bucket >= $1 AND r.bucket < $2
       GROUP BY r.client_id, c.name
       ORDER BY sum(r.cost_usd) DESC NULLS LAST, sum(r.requests) DESC
       LIMIT $3`,
      [from.toISOString(), to.toISOString(), limit],
    );
  }
}
