export type Granularity = 'hour' | 'day' | 'month';

export const ROLLUP_TABLE: Record<Granularity, string> = {
  hour: 'llm_hourly_costs',
  day: 'llm_daily_costs',
  month: 'llm_monthly_costs',
};

/** Start of the UTC hour/day/month containing `t` (rollup buckets are UTC, as time_bucket's are). */
export function floorTo(t: Date, unit: Granularity): Date {
  const d = new Date(t.getTime());
  if (unit === 'hour') d.setUTCMinutes(0, 0, 0);
  if (unit === 'day') d.setUTCHours(0, 0, 0, 0);
  if (unit === 'month') {
    d.setUTCHours(0, 0, 0, 0);
    d.setUTCDate(1);
  }
  return d;
}

export function addUnits(t: Date, unit: Granularity, n: number): Date {
  const d = new Date(t.getTime());
  if (unit === 'hour') d.setUTCHours(d.getUTCHours() + n);
  if (unit === 'day') d.setUTCDate(d.getUTCDate() + n);
  if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + n);
  return d;
}

export function isAligned(t: Date, unit: Granularity): boolean {
  return floorTo(t, unit).getTime() === t.getTime();
}

/** End of the UTC hour/day/month containing `t` (`t` itself when it starts one). */
export function ceilTo(t: Date, unit: Granularity): Date {
  return isAligned(t, unit) ? t : addUnits(floorTo(t, unit), unit, 1);
}

/** A piece of a time range read from one rollup (or, for partial hours, from the log). */
export interface RangePart {
  source: Granularity | 'log';
  from: Date;
  to: Date;
}

/**
 * Splits [from, to) into the coarsest rollup buckets that fit it exactly: whole
 * months from the monthly rollup, whole days from the daily one, whole hours
 * from the hourly one, and any partial hour at either end from the log itself.
 */
export function splitRange(from: Date, to: Date): RangePart[] {
  const parts: RangePart[] = [];
  if (to.getTime() <= from.getTime()) return parts;
  let cursor = from;
  const push = (source: RangePart['source'], end: Date) => {
    if (end.getTime() > cursor.getTime()) parts.push({ source, from: cursor, to: end });
    cursor = end;
  };
  if (ceilTo(from, 'hour').getTime() >= to.getTime()) {
    push('log', to);
    return parts;
  }
  push('log', ceilTo(from, 'hour'));
  const lastHour = floorTo(to, 'hour');
  const endDay = floorTo(lastHour, 'day');
  const endMonth = floorTo(lastHour, 'month');
  const dayStart = ceilTo(cursor, 'day');
  if (dayStart.getTime() <= endDay.getTime()) {
    push('hour', dayStart);
    const monthStart = ceilTo(cursor, 'month');
    if (monthStart.getTime() <= endMonth.getTime()) {
      push('day', monthStart);
      push('month', endMonth);
    }
    push('day', endDay);
  }
  push('hour', lastHour);
  push('log', to);
  return parts;
}
