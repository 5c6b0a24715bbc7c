import { ProviderError, TokenUsage } from './llm-provider';

/** The largest count llm_generation_log's int token columns hold: a larger one would cost the call its record. */
export const MAX_TOKEN_COUNT = 2_147_483_647;

function isTokenCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_TOKEN_COUNT;
}

function notACount(field: string, value: unknown): ProviderError {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : String(value);
  return new ProviderError('malformed', `The provider reported ${field} = ${shown}, not a token count (a whole number from 0 to ${MAX_TOKEN_COUNT})`);
}

/** A provider's token count, checked: anything but a whole number in range is a malformed answer, never a record the database refuses. */
export function tokenCount(value: unknown, field: string): number {
  if (!isTokenCount(value)) throw notACount(field, value);
  return value;
}

/** Every count of a usage, checked as tokenCount checks one (sums of provider counts included). */
export function checkedUsage(usage: TokenUsage): TokenUsage {
  if (!isTokenCount(usage.inputTokens)) throw notACount('input tokens', usage.inputTokens);
  if (!isTokenCount(usage.outputTokens)) throw notACount('output tokens', usage.outputTokens);
  if (usage.cachedInputTokens !== undefined && !isTokenCount(usage.cachedInputTokens)) throw notACount('cached input tokens', usage.cachedInputTokens);
  if (usage.cacheWriteTokens !== undefined && !isTokenCount(usage.cacheWriteTokens)) throw notACount('cache write tokens', usage.cacheWriteTokens);
  if (usage.cacheWrite1hTokens !== undefined && !isTokenCount(usage.cacheWrite1hTokens)) throw notACount('1-hour cache write tokens', usage.cacheWrite1hTokens);
  if (usage.reasoningTokens !== undefined && !isTokenCount(usage.reasoningTokens)) throw notACount('reasoning tokens', usage.reasoningTokens);
  return usage;
}
