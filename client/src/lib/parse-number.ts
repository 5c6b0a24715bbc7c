// Whole numbers typed into limit fields. Number('12k') is NaN, which JSON sends
// as null, and null means "no limit": a typo would lift the limit without a word.

/** Null when the field is empty, the number when it is a whole number, undefined when it is not one. */
export function parseWholeNumber(text: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  return /^[+-]?\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

export const NOT_A_WHOLE_NUMBER = 'Enter a whole number, e.g. 600, or leave the field empty';
