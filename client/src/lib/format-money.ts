// Money arrives as decimal strings and is shown from them, never through floats.

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;

function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * "$1,234.50" from "1234.5": at least the cents, and every further digit the
 * API gave (a call can cost "0.000123"), so a figure here is the API's figure.
 * `{ cents: true }` rounds half up to the cent for headline figures.
 */
export function formatMoney(value: string | null | undefined, options: { cents?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '—';
  const m = DECIMAL.exec(value.trim());
  if (!m) return value;
  let [, sign, whole, frac = ''] = m;
  if (options.cents && frac.length > 2) {
    const scaled = BigInt(whole + frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1n : 0n);
    const text = scaled.toString().padStart(3, '0');
    whole = text.slice(0, -2);
    frac = text.slice(-2);
  }
  frac = frac.replace(/0+$/, '').padEnd(2, '0');
  if (/^0*$/.test(whole + frac)) sign = '';
  return `${sign}$${group(String(BigInt(whole)))}.${frac}`;
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
