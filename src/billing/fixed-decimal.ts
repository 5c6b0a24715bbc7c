/**
 * Exact fixed-point money arithmetic on the hot path, without decimal.js: a
 * plain decimal string is read as an integer and a scale (`12.5` → 125, 1),
 * products and sums stay integers, and the result is written back as a plain
 * decimal string. Integers stay JS numbers while they are safe (exact), BigInt
 * beyond. Anything that is not a plain non-negative decimal (exponents, signs)
 * returns null: the caller keeps decimal.js for it.
 */

/**
 * Decimals of every recorded amount of money: the log's cost_usd is numeric(20,10), the rollups'
 * numeric(24,10), budget counters count units of 1e-10 USD. A call's cost is rounded to it (half up)
 * once, where it is priced, so the response, the record, the reports and the budget carry one figure.
 */
export const COST_SCALE = 10;

/** A non-negative decimal as `digits / 10^scale`. */
export interface FixedDecimal {
  digits: bigint;
  scale: number;
}

const PLAIN = /^(\d+)(?:\.(\d+))?$/;

export function parseFixed(text: string): FixedDecimal | null {
  const m = PLAIN.exec(text);
  if (!m) return null;
  const fraction = m[2] ?? '';
  return { digits: BigInt(m[1] + fraction), scale: fraction.length };
}

/** `digits` (a non-negative integer) divided by 10^scale as a plain decimal string, trailing zeros dropped ("0" for zero). */
export function formatFixed(digits: number | bigint, scale: number): string {
  let text = digits.toString();
  if (scale === 0) return text;
  if (text.length <= scale) text = '0'.repeat(scale - text.length + 1) + text;
  const point = text.length - scale;
  let end = text.length;
  while (end > point && text.charCodeAt(end - 1) === 48) end--;
  return end === point ? text.slice(0, point) : `${text.slice(0, point)}.${text.slice(point, end)}`;
}

/**
 * A plain decimal string rescaled to `scale` decimals as an integer, rounded up
 * (ceiling) or to nearest (half up); null when the text is not a plain
 * non-negative decimal.
 */
export function toScaledInteger(text: string, scale: number, rounding: 'up' | 'nearest'): bigint | null {
  const m = PLAIN.exec(text);
  if (!m) return null;
  const fraction = m[2] ?? '';
  if (fraction.length <= scale) return BigInt(m[1] + fraction.padEnd(scale, '0'));
  const kept = BigInt(m[1] + fraction.slice(0, scale));
  const rest = fraction.slice(scale);
  const bump = rounding === 'up' ? /[1-9]/.test(rest) : rest.charCodeAt(0) >= 53; // '5'
  return bump ? kept + 1n : kept;
}

/** 10^n as a BigInt, for n up to a few dozen (cached). */
const POWERS: bigint[] = [];
export function pow10(n: number): bigint {
  let p = POWERS[n];
  if (p === undefined) {
    p = 10n ** BigInt(n);
    POWERS[n] = p;
  }
  return p;
}

/**
 * `digits / 10^scale` (non-negative) rounded half up to at most `target` decimals, as a plain decimal
 * string: what PostgreSQL stores of it in a numeric column of that scale.
 */
export function formatRounded(digits: number | bigint, scale: number, target: number): string {
  if (scale <= target) return formatFixed(digits, scale);
  const divisor = pow10(scale - target);
  const value = BigInt(digits);
  const kept = value / divisor;
  return formatFixed((value % divisor) * 2n >= divisor ? kept + 1n : kept, target);
}
