// Money arrives as decimal strings and is shown from them, never through floats.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

/** Every sum of money in the console: US dollars, written as the browser's locale writes them. */
const US_DOLLARS: Intl.NumberFormatOptions = { style: 'currency', currency: 'USD' };

const usdFormats = new Map<number, Intl.NumberFormat>();

/** US dollars as the browser's locale writes them, with cents and up to `digits` decimals. */
function usd(digits: number): Intl.NumberFormat {
  let format = usdFormats.get(digits);
  if (!format) {
    // signDisplay 'negative': a cost that rounds to zero is not shown as "-$0.00"
    format = new Intl.NumberFormat(undefined, {
      ...US_DOLLARS,
      minimumFractionDigits: 2,
      maximumFractionDigits: digits,
      signDisplay: 'negative',
    });
    usdFormats.set(digits, format);
  }
  return format;
}

/**
 * "$1,234.50" from "1234.5" (in de-DE "1.234,50 $": every number in the console is written the
 * browser's way, money always in US dollars). At least the cents, and every further digit the API
 * gave (a call can cost "0.000123"), so a figure here is the API's figure: Intl formats a decimal
 * string exactly, without going through a float. `{ cents: true }` rounds half up to the cent for
 * headline figures, except an amount under a cent, shown whole ("$0.002978", not "$0.00").
 */
export function formatMoney(value: string | null | undefined, options: { cents?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const m = DECIMAL.exec(value.trim());
  if (!m) return value;
  const allDigits = Math.max(2, (m[3] ?? '').length);
  // an amount under a cent keeps its digits even when rounding to cents: "$0.00" would say nothing was spent
  const digits = options.cents && !underACent(m[2], m[3]) ? 2 : allDigits;
  // a decimal string is formatted as the exact number it writes (the format() of ES2023)
  return usd(digits).format(value.trim() as Intl.StringNumericLiteral);
}

/** Whether a non-zero amount is less than a cent (its whole part 0, its first two decimals 0). */
function underACent(whole: string, fraction = ''): boolean {
  return /^0+$/.test(whole) && /^00/.test(fraction.padEnd(2, '0')) && /[1-9]/.test(fraction);
}

const usdAxis = new Intl.NumberFormat(undefined, { ...US_DOLLARS, maximumSignificantDigits: 3 });

/** A chart's dollar axis and tooltip: a plotted number, to three significant digits. */
export function formatMoneyTick(value: number): string {
  return usdAxis.format(value);
}

/** Plotting only (chart heights): never add these up. */
export function moneyToNumber(value: string | null | undefined): number {
  return value ? Number(value) : 0;
}

/** Compares two decimal strings without floats: -1, 0 or 1. */
export function compareMoney(a: string, b: string): number {
  const scale = (v: string): bigint => {
    const m = DECIMAL.exec(v.trim());
    if (!m) return 0n;
    const n = BigInt(m[2] + (m[3] ?? '').padEnd(12, '0').slice(0, 12));
    return m[1] ? -n : n;
  };
  const x = scale(a);
  const y = scale(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
