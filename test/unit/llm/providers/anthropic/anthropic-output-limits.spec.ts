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
});
