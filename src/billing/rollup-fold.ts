/**
 * On plain PostgreSQL the cost rollups are folded from the log in the background, as
 * TimescaleDB's continuous aggregates are: a call's commit writes its log row alone,
 * and a periodic fold adds the rows committed since the last fold to the stored
 * rollups (`llm_*_costs_folded`). The names readers use (`llm_hourly_costs`, …) are
 * views over the stored rollups plus the rows not folded yet, so every read is
 * exact at any moment, whether the last fold ran a second or an hour ago.
 *
 * Which rows are folded is decided by transaction id, not by time: each log row
 * carries the id of the transaction that wrote it (`xact_id`), and a fold takes the
 * rows of every transaction below the oldest one still running
 * (`pg_snapshot_xmin`), all of which are visible to it. A row committed later by
 * an older transaction is therefore never skipped, and a row is folded once.
 */

export const DIMENSIONS = 'client_id, provider, model, template_id, template_version';

export const ROLLUPS = [
  { view: 'llm_hourly_costs', table: 'llm_hourly_costs_folded', unit: 'hour' },
  { view: 'llm_daily_costs', table: 'llm_daily_costs_folded', unit: 'day' },
  { view: 'llm_monthly_costs', table: 'llm_monthly_costs_folded', unit: 'month' },
] as const;

/** A rollup row's measures, in the order LOG_MEASURES computes them. */
const MEASURE_COLUMNS = ['requests', 'errors', 'rejected', 'input_tokens', 'output_tokens', 'cost_usd', 'price_unknown', 'latency_ms_sum'] as const;
/** Every measure but the cost is a count or an integer sum. */
const COUNTERS = MEASURE_COLUMNS.filter((c) => c !== 'cost_usd');

/** One rollup row's measures aggregated from log rows; same as the TimescaleDB continuous aggregates. */
const LOG_MEASURES = `count(*)::bigint, count(*) FILTER (WHERE status IN ('error','cancelled'))::bigint,
  count(*) FILTER (WHERE status IN ('rate_limited','budget_exceeded','rejected'))::bigint,
  sum(input_tokens)::bigint, sum(output_tokens)::bigint, sum(cost_usd)::numeric(24,10),
  count(*) FILTER (WHERE price_unknown)::bigint, sum(latency_ms)::bigint`;

/** The watermark: every log row of a transaction below it is in the stored rollups. */
export const FOLDED_BELOW = '(SELECT folded_below FROM llm_rollup_fold)';

/**
 * The log rows not folded yet, by the xact_id index. The watermark is unknown when
 * the statement is planned; the upper bound, always true, makes the condition a
 * range, which PostgreSQL estimates as narrow (DEFAULT_RANGE_INEQ_SEL) instead of a
 * third of the table, so the index is used even before the log has statistics.
 */
export const NOT_FOLDED = `xact_id >= ${FOLDED_BELOW} AND xact_id < '18446744073709551615'::xid8`;

/** One measure summed over rollup rows (finer buckets, or the stored and the unfolded parts of one bucket). */
const summed = (c: (typeof MEASURE_COLUMNS)[number]): string => (c === 'cost_usd' ? `sum(cost_usd)::numeric(24,10)` : `sum(${c})::bigint`);

/** Stored rollups plus the log rows not folded yet: what a rollup table held when the commit kept it. */
export function rollupViewSql(r: (typeof ROLLUPS)[number]): string {
  return `CREATE VIEW ${r.view} AS
    SELECT bucket, ${DIMENSIONS}, ${MEASURE_COLUMNS.map((c) => `${summed(c)} AS ${c}`).join(', ')}
    FROM (
      SELECT bucket, ${DIMENSIONS}, ${MEASURE_COLUMNS.join(', ')} FROM ${r.table}
      UNION ALL
      SELECT date_trunc('${r.unit}', created_at, 'UTC'), ${DIMENSIONS}, ${LOG_MEASURES}
      FROM llm_generation_log WHERE ${NOT_FOLDED}
      GROUP BY 1, ${DIMENSIONS}
    ) AS parts (bucket, ${DIMENSIONS}, ${MEASURE_COLUMNS.join(', ')})
    GROUP BY bucket, ${DIMENSIONS}`;
}

/**
 * Adds the batch's hours to one stored rollup. The log rows are aggregated once, by hour (`hours`); days and
 * months are sums of those hours, since a UTC hour lies within one UTC day and month.
 */
function foldInto(r: (typeof ROLLUPS)[number]): string {
  const add = (c: string) => `${c} = ${r.table}.${c} + EXCLUDED.${c}`;
  const source =
    r.unit === 'hour'
      ? `SELECT bucket, ${DIMENSIONS}, ${MEASURE_COLUMNS.join(', ')} FROM hours`
      : `SELECT date_trunc('${r.unit}', bucket, 'UTC'), ${DIMENSIONS}, ${MEASURE_COLUMNS.map(summed).join(', ')} FROM hours GROUP BY 1, ${DIMENSIONS}`;
  return `INSERT INTO ${r.table} (bucket, ${DIMENSIONS}, ${MEASURE_COLUMNS.join(', ')})
    ${source}
    ON CONFLICT (bucket, ${DIMENSIONS}) DO UPDATE SET
      ${COUNTERS.map(add).join(', ')},
      cost_usd = coalesce(${r.table}.cost_usd + EXCLUDED.cost_usd, ${r.table}.cost_usd, EXCLUDED.cost_usd)`;
}

/**
 * One fold, one statement: the rows of the finished transactions since the last
 * fold, added to the three stored rollups, and the watermark moved past them.
 * `everything` folds every row (the migration's down step, nothing else writing).
 */
export function foldSql(everything = false): string {
  const below = everything ? `(SELECT coalesce(max(xact_id), '0'::xid8) FROM llm_generation_log)` : 'pg_snapshot_xmin(pg_current_snapshot())';
  const upper = everything ? 'xact_id <= w.hi' : 'xact_id < w.hi';
  return `WITH w AS (SELECT folded_below AS lo, ${below} AS hi FROM llm_rollup_fold WHERE id = 1),
    batch AS MATERIALIZED (
      SELECT l.created_at, ${DIMENSIONS}, status, input_tokens, output_tokens, cost_usd, price_unknown, latency_ms
      FROM llm_generation_log l, w WHERE xact_id >= w.lo AND ${upper}),
    hours (bucket, ${DIMENSIONS}, ${MEASURE_COLUMNS.join(', ')}) AS MATERIALIZED (
      SELECT date_trunc('hour', created_at, 'UTC'), ${DIMENSIONS}, ${LOG_MEASURES} FROM batch GROUP BY 1, ${DIMENSIONS}),
    ${ROLLUPS.map((r, i) => `f${i} AS (${foldInto(r)})`).join(',\n    ')},
    moved AS (UPDATE llm_rollup_fold f SET folded_below = w.hi, folded_at = now() FROM w WHERE f.id = 1 AND w.hi > f.folded_below)
    SELECT count(*)::int AS folded FROM batch`;
}

/** One advisory lock for every instance's fold: two folds at once would both wait on the same rows. */
export const FOLD_LOCK = 7_461_013;
