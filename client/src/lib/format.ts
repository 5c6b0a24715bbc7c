// Numbers and times for display, all written the browser's way (its locale): counts with its
// separators, times in the operator's own zone. Money is in format-money.ts, by the same rule.

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat(undefined, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const tick = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const score = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
const percentFormats = new Map<number, Intl.NumberFormat>();
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const shortDateTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const hourOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export const operatorTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function formatTokens(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : integer.format(n);
}

export function formatCount(n: number | null | undefined): string {
  return formatTokens(n);
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 10_000 ? `${oneDecimal.format(ms / 1000)} s` : `${integer.format(Math.round(ms))} ms`;
}

export function formatPercent(fraction: number | null | undefined, digits = 1): string {
  if (fraction === null || fraction === undefined) return '—';
  let format = percentFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits });
    percentFormats.set(digits, format);
  }
  return format.format(fraction);
}

/** A feedback score the API gives as a decimal string, to the 3 decimals a score has, formatted from the string (no float on the way). */
export function formatScore(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return score.format(value as Intl.StringNumericLiteral);
}

/** A chart's axis and tooltip figure: a plotted number (not money: see formatMoneyTick). */
export function formatNumberTick(value: number): string {
  return tick.format(value);
}

export function formatDateTime(iso: string | null | undefined): string {
  return iso ? dateTime.format(new Date(iso)) : '—';
}

export function formatShortDateTime(iso: string | null | undefined): string {
  return iso ? shortDateTime.format(new Date(iso)) : '—';
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? dateOnly.format(new Date(iso)) : '—';
}

export function formatHour(iso: string): string {
  return hourOnly.format(new Date(iso));
}

/** A UTC day ("2025-01-31") shown as a date without shifting it into the local zone. */
export function formatUtcDay(day: string): string {
  return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`));
}

/** Value for <input type="datetime-local"> in the operator's zone, from an ISO instant. */
export function toLocalInput(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** ISO instant from an <input type="datetime-local"> value (read in the operator's zone). */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** "1 request", "2 requests" (with separators). */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${n === 1 ? '' : 's'}`;
}
