/**
 * The most output tokens each Anthropic model family writes in one answer (Anthropic's model overview). The
 * Messages API requires max_tokens; a request that sets none (the OpenAI formats make it optional) gets its
 * model's own maximum, so the answer is cut where the model would stop anyway, as an OpenAI model's would be,
 * not at an arbitrary 1,024 tokens.
 */
const MAX_OUTPUT_BY_FAMILY: ReadonlyArray<readonly [family: string, maxOutputTokens: number]> = [
  // the more specific family first: claude-opus-4-5 before claude-opus-4
  ['claude-opus-4-5', 64_000],
  ['claude-opus-4-1', 32_000],
  ['claude-opus-4', 32_000],
  ['claude-sonnet-4-5', 64_000],
  ['claude-sonnet-4', 64_000],
  ['claude-haiku-4-5', 64_000],
  ['claude-3-7-sonnet', 64_000],
  ['claude-3-5-sonnet', 8_192],
  ['claude-3-5-haiku', 8_192],
  ['claude-3-opus', 4_096],
  ['claude-3-sonnet', 4_096],
  ['claude-3-haiku', 4_096],
];

/** What a model of no family above gets: every Claude model since the 3 family writes at least this many. */
export const ANTHROPIC_FALLBACK_MAX_TOKENS = 4_096;

/**
 * The max_tokens a request without one is sent with: its model family's maximum output, matched on the model id
 * (`claude-sonnet-4-5`, `claude-sonnet-4-5-20250929` and `claude-3-5-haiku-latest` name their family); a model of
 * no known family gets ANTHROPIC_FALLBACK_MAX_TOKENS.
 */
export function defaultMaxTokens(model: string): number {
  for (const [family, max] of MAX_OUTPUT_BY_FAMILY) {
    if (model === family || model.startsWith(`${family}-`)) return max;
  }
  return ANTHROPIC_FALLBACK_MAX_TOKENS;
}
