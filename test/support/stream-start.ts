import type { StreamStart } from '@src/llm/generation/generation.types';

/** The start of a stream from `anthropic/claude-sonnet-4-5`, for the Anthropic format's writer specs. */
export function anthropicStreamStart(requestId: string): StreamStart {
  return {
    requestId,
    target: { id: 'anthropic/claude-sonnet-4-5', providerId: 'anthropic', model: 'claude-sonnet-4-5', provider: {} as never },
    requestedModel: 'anthropic/claude-sonnet-4-5',
    attempts: 1,
    estimatedInputTokens: 5,
    createdAt: new Date(1_700_000_000_000),
    headers: {},
  };
}
