import { ANTHROPIC_FALLBACK_MAX_TOKENS, defaultMaxTokens, knownAnthropicLimits } from '@src/llm/providers/anthropic/anthropic-output-limits';

describe('knownAnthropicLimits', () => {
  it('knows a model by its family, dated or moving id alike, the more specific family first', () => {
    expect(knownAnthropicLimits('claude-sonnet-4-5-20250929')).toEqual({ maxOutputTokens: 64_000, contextWindow: 200_000 });
    expect(knownAnthropicLimits('claude-3-5-haiku-latest')).toEqual({ maxOutputTokens: 8_192, contextWindow: 200_000 });
    expect(knownAnthropicLimits('claude-opus-4-5')).toEqual({ maxOutputTokens: 64_000, contextWindow: 200_000 });
    expect(knownAnthropicLimits('claude-opus-4-1')).toEqual({ maxOutputTokens: 32_000, contextWindow: 200_000 });
  });

  it('knows nothing of a model of no known family (its id only starting like one is not enough)', () => {
    expect(knownAnthropicLimits('claude-next')).toBeUndefined();
    expect(knownAnthropicLimits('claude-sonnet-45')).toBeUndefined();
  });

  it('leaves the default max_tokens of such a model at the fallback', () => {
    expect(defaultMaxTokens('claude-next')).toBe(ANTHROPIC_FALLBACK_MAX_TOKENS);
    expect(defaultMaxTokens('claude-haiku-4-5')).toBe(64_000);
  });

  it('leaves an answer room after a thinking budget, whatever the prompt and the model', () => {
    // a model of no known family: the budget and 1,024 tokens after it, where the fallback would be below the budget
    expect(defaultMaxTokens('claude-next', undefined, 10_000)).toBe(11_024);
    expect(defaultMaxTokens('claude-next', undefined, 2_000)).toBe(ANTHROPIC_FALLBACK_MAX_TOKENS);
    // a long prompt leaves the window little room: still above the budget (Anthropic refuses a max_tokens not above it)
    expect(defaultMaxTokens('claude-sonnet-4-5', 150_000, 8_000)).toBe(9_024);
    expect(defaultMaxTokens('claude-sonnet-4-5', 150_000)).toBe(5_000);
    // a budget near the family's maximum: the maximum, still above it
    expect(defaultMaxTokens('claude-sonnet-4-5', 1_000, 63_500)).toBe(64_000);
  });
});
