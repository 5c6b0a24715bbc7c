// Whole numbers typed into limit fields. Number('12k') is NaN, which JSON sends
// as null, and null means "no limit": a typo would lift the limit without a word.

/** Null when the field is empty, the number when it is a whole number, undefined when it is not one. */
export function parseWholeNumber(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

export const NOT_A_WHOLE_NUMBER = 'Enter a whole number, e.g. 600, or leave the field empty';

// Amounts (money, fractions) are typed the browser's way: "250,50" in Germany, "250.50" in the US.
// The API takes "250.50"; sent as typed, a German amount was refused and a German user left to guess why.

/** The decimal separator of the browser's locale (or of `locale`). */
export function decimalSeparator(locale?: string): string {
  return new Intl.NumberFormat(locale).formatToParts(1.5).find((part) => part.type === 'decimal')?.value ?? '.';
}

/** An API decimal string ("1234.5") as the browser's users write it ("1234,5" in Germany), without grouping; empty for none. */
export function toDecimalInput(value: string | null | undefined, locale?: string): string {
  return value === null || value === undefined ? '' : value.replace('.', decimalSeparator(locale));
}

export type DecimalInput = { value: string | null } | { problem: string };

/**
 * An amount typed in a decimal field as the API's decimal string ("1234.5"); `value` is null when
 * the field is empty. The browser's decimal separator is taken, and the other one too where it
 * cannot be a thousands separator ("0.5" in Germany, "0,5" in the US). "1.000" or "1,000" in the
 * locale that groups thousands with that sign is refused rather than guessed: one reading is a
 * thousand times the other.
 */
export function parseDecimalInput(text: string, locale?: string): DecimalInput {
  const typed = text.trim();
  if (typed === '') return { value: null };
  const separator = decimalSeparator(locale);
  if (typed.startsWith('-')) return { problem: 'Must not be negative' };
  const parts = /^(\d+)(?:([.,])(\d+))?$/.exec(typed);
  if (!parts) return { problem: `Enter an amount like 250${separator}50, without thousands separators` };
  const [, whole, sign, fraction] = parts;
  if (sign === undefined) return { value: whole };
  if (sign !== separator && fraction.length === 3 && /^[1-9]\d{0,2}$/.test(whole))
    return { problem: `${typed} could be ${whole}${fraction} or ${whole}${separator}${fraction}: write it without a thousands separator` };
  return { value: `${whole}.${fraction}` };
}
