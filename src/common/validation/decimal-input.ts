import Decimal from 'decimal.js';

/** What a decimal input may look like: digits before and after the point, an optional upper bound. */
export interface DecimalRules {
  maxIntegerDigits: number;
  maxDecimals: number;
  /** inclusive upper bound, as a decimal string */
  max?: string;
}

/** USD amounts: what a numeric(18,6) column holds. */
export const MONEY_RULES: DecimalRules = { maxIntegerDigits: 12, maxDecimals: 6 };

const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

/**
 * A decimal string ("250.00") or a JSON number (250, 0.1) as exact decimal
 * text, or the reason it is refused. A JSON number reaches us already parsed as
 * a float, so it is read back through its shortest round-trip text (String(n)):
 * 0.1 stays "0.1", never 0.1000000000000000055….
 */
export function parseDecimalInput(value: unknown, rules: DecimalRules): { ok: true; text: string } | { ok: false; problem: string } {
  let decimal: Decimal;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, problem: 'must be a finite number' };
    decimal = new Decimal(String(value));
  } else if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!DECIMAL_TEXT.test(trimmed)) {
      return { ok: false, problem: trimmed.startsWith('-') ? 'must not be negative' : 'must be a decimal string like "250.00" or a number' };
    }
    decimal = new Decimal(trimmed);
  } else {
    return { ok: false, problem: 'must be a decimal string like "250.00" or a number' };
  }
  if (decimal.isNegative() && !decimal.isZero()) return { ok: false, problem: 'must not be negative' };
  if (decimal.decimalPlaces() > rules.maxDecimals) return { ok: false, problem: `must have at most ${rules.maxDecimals} decimal places` };
  // the bound first: 80 for an alert threshold of 0–1 is "at most 1", not "at most 1 digit"
  if (rules.max !== undefined && decimal.greaterThan(rules.max)) return { ok: false, problem: `must be at most ${rules.max}` };
  if (decimal.abs().truncated().toFixed().length > rules.maxIntegerDigits) {
    return { ok: false, problem: `must have at most ${rules.maxIntegerDigits} digits before the decimal point` };
  }
  return { ok: true, text: decimal.abs().toFixed() };
}
