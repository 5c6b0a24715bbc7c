/** The span a client's budget counts: a day, a week (from Monday) or a month, in the budget's time zone. */
export type BudgetPeriod = 'day' | 'week' | 'month';

export interface PeriodBounds {
  start: Date;
  end: Date;
  /** stable name of the period, local to the timezone: '2025-06' (month), '2025-06-14' (day), '2025-06-09/week' (the week's Monday) */
  key: string;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The timezone's offset from UTC (ms) at an instant. */
function offsetMs(instant: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(new Date(instant))
      .map((p) => [p.type, p.value]),
  );
  const asUtc = Date.UTC(+parts.year, +parts.month - 1, +parts.day, +parts.hour % 24, +parts.minute, +parts.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

function localParts(instant: number, timeZone: string): LocalParts {
  const d = new Date(instant + offsetMs(instant, timeZone));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The first instant of a calendar date in the timezone (local midnight), as a UTC instant. Where the
 * clock jumps over midnight (America/Santiago, America/Havana, Asia/Beirut…: 23:59:59 → 01:00) one of
 * the two offsets read lands in the last hour of the day before; the day starts at the earliest
 * candidate that already reads as that date, so consecutive periods meet without a gap or an overlap.
 */
function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetMs(guess, timeZone);
  const second = guess - offsetMs(first, timeZone);
  const isTheDate = (instant: number) => {
    const local = localParts(instant, timeZone);
    return local.year === year && local.month === month && local.day === day;
  };
  const start = [Math.min(first, second), Math.max(first, second)].find(isTheDate) ?? second;
  return new Date(start);
}

const pad = (n: number) => String(n).padStart(2, '0');

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/**
 * A valid timezone in its IANA spelling when it differs only by case ("utc" → "UTC", "europe/berlin" →
 * "Europe/Berlin"); an alias the runtime maps to another name ("US/Pacific") is kept as given.
 */
export function canonicalTimeZone(timeZone: string): string {
  const resolved = new Intl.DateTimeFormat('en-US', { timeZone }).resolvedOptions().timeZone;
  return resolved.toLowerCase() === timeZone.toLowerCase() ? resolved : timeZone;
}

/** The calendar period (day, ISO week from Monday, month) containing `now`, in the client's timezone. */
export function periodBounds(period: BudgetPeriod, timeZone: string, now: Date = new Date()): PeriodBounds {
  const tz = isValidTimeZone(timeZone) ? timeZone : 'UTC';
  const { year, month, day } = localParts(now.getTime(), tz);
  if (period === 'day') {
    const start = localMidnight(year, month, day, tz);
    const next = new Date(Date.UTC(year, month - 1, day + 1));
    return { start, end: localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), tz), key: `${year}-${pad(month)}-${pad(day)}` };
  }
  if (period === 'week') {
    const weekday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7; // Monday = 0
    const monday = new Date(Date.UTC(year, month - 1, day - weekday));
    const nextMonday = new Date(Date.UTC(year, month - 1, day - weekday + 7));
    const start = localMidnight(monday.getUTCFullYear(), monday.getUTCMonth() + 1, monday.getUTCDate(), tz);
    const end = localMidnight(nextMonday.getUTCFullYear(), nextMonday.getUTCMonth() + 1, nextMonday.getUTCDate(), tz);
    return { start, end, key: `${monday.getUTCFullYear()}-${pad(monday.getUTCMonth() + 1)}-${pad(monday.getUTCDate())}/week` };
  }
  const next = new Date(Date.UTC(year, month, 1));
  return {
    start: localMidnight(year, month, 1, tz),
    end: localMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, tz),
    key: `${year}-${pad(month)}`,
  };
}
