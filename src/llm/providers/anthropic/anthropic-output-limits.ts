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

/** The context window of every model above (the 1M one of some is a beta LLMHub does not ask for). */
const CONTEXT_WINDOW = 200_000;

/** LLMHub counts the prompt with another tokenizer than Claude's, which makes more tokens of the same text: room to spare. */
const PROMPT_ESTIMATE_HEADROOM = 1.3;

/** The least a default leaves the answer, however long the prompt: what every such call was sent with before. */
const MIN_DEFAULT_MAX_TOKENS = 1_024;

/** The model family's maximum output, matched on the model id (`claude-sonnet-4-5-20250929`, `claude-3-5-haiku-latest`). */
function familyMaxTokens(model: string): number | undefined {
  for (const [family, max] of MAX_OUTPUT_BY_FAMILY) {
    if (model === family || model.startsWith(`${family}-`)) return max;
  }
  return undefined;
}

/** What LLMHub knows of an Anthropic model's limits: those of its family, or undefined for a model of no family above. */
export function knownAnthropicLimits(model: string): { maxOutputTokens: number; contextWindow: number } | undefined {
  const maxOutputTokens = familyMaxTokens(model);
  return maxOutputTokens === undefined ? undefined : { maxOutputTokens, contextWindow: CONTEXT_WINDOW };
}

/**
 * The max_tokens a request without one is sent with: its model family's maximum output (a model of no known family
 * gets ANTHROPIC_FALLBACK_MAX_TOKENS), but no more than the context window leaves beside the prompt, since
 * Anthropic refuses a request whose prompt and max_tokens together exceed it. With a thinking budget it leaves
 * room for an answer after the thinking (Anthropic refuses a max_tokens not above the budget).
 */
export function defaultMaxTokens(model: string, promptTokensEstimate?: number, thinkingBudget = 0): number {
  // a known family's maximum is above any budget the planner lets through; for another model, room for both
  const max = familyMaxTokens(model) ?? Math.max(ANTHROPIC_FALLBACK_MAX_TOKENS, thinkingBudget + MIN_DEFAULT_MAX_TOKENS);
  if (promptTokensEstimate === undefined) return max;
  const room = CONTEXT_WINDOW - Math.ceil(promptTokensEstimate * PROMPT_ESTIMATE_HEADROOM);
  return Math.min(max, Math.max(thinkingBudget + MIN_DEFAULT_MAX_TOKENS, room));
}
