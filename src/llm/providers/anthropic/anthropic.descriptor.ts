import type { ProviderDescriptor } from '../provider-descriptor';
import { knownAnthropicLimits } from './anthropic-output-limits';

export const ANTHROPIC_DESCRIPTOR = {
  id: 'anthropic',
  aliases: ['claude'],
  env: { apiKey: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' },
  // No `n`: the Messages API answers one message per call. The gateway does not make n calls in its place: that
  // would bill the prompt n times (cache writes and reads too), leave a call half-answered when one of the n fails
  // (retried, or answered by a fallback model?), and give one usage record n upstream calls, each counted by the
  // rate limits and the circuit breaker on its own. A request with n > 1 is a 400 naming `n`.
  // response_format: through a forced tool (anthropic.mapper.ts toResponseFormatTool); beside the caller's own tools,
  // through tool_choice any over them and the format tool (withResponseFormat)
  capabilities: ['chat', 'stream', 'response_format', 'response_format_with_tools', 'thinking', 'documents', 'citations', 'tool_result_images'],
  // the Messages API refuses a stop sequence of whitespace only (OpenAI takes "\n", a common one)
  stopSequences: { nonBlank: true },
  // a thinking budget must fit below it when the request sets no max_tokens (the model's maximum is sent then)
  maxOutputTokens: (model: string) => knownAnthropicLimits(model)?.maxOutputTokens,
  models: [
    { id: 'claude-opus-4-1', kind: 'chat' },
    { id: 'claude-sonnet-4-5', kind: 'chat' },
    { id: 'claude-sonnet-4', kind: 'chat' },
    { id: 'claude-haiku-4-5', kind: 'chat' },
    { id: 'claude-3-5-haiku-latest', kind: 'chat' },
  ],
  modelAliases: {
    'claude-opus': 'claude-opus-4-1',
    'claude-sonnet': 'claude-sonnet-4-5',
    'claude-haiku': 'claude-haiku-4-5',
    'claude-3-5-haiku': 'claude-3-5-haiku-latest',
  },
} as const satisfies ProviderDescriptor;
