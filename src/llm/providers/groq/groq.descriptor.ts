import type { ProviderDescriptor } from '../provider-descriptor';

export const GROQ_DESCRIPTOR = {
  id: 'groq',
  aliases: [],
  env: { apiKey: 'GROQ_API_KEY', baseUrl: 'GROQ_BASE_URL' },
  // Groq's OpenAI-compatible API takes response_format and reasoning_effort (its reasoning models) but not logprobs, and refuses n other than 1
  capabilities: ['chat', 'stream', 'response_format', 'response_format_with_tools', 'reasoning_effort', 'reasoning_format', 'include_reasoning'],
  models: [
    { id: 'llama-3.3-70b-versatile', kind: 'chat' },
    { id: 'llama-3.1-8b-instant', kind: 'chat' },
    { id: 'openai/gpt-oss-120b', kind: 'chat' },
    { id: 'openai/gpt-oss-20b', kind: 'chat' },
    { id: 'qwen/qwen3-32b', kind: 'chat' },
  ],
  stopSequences: { max: 4 },
  modelAliases: {
    'llama-3.3-70b': 'llama-3.3-70b-versatile',
    'llama-3.1-8b': 'llama-3.1-8b-instant',
    // OpenAI publishes the open-weight models but does not serve them; Groq does
    'gpt-oss-120b': 'openai/gpt-oss-120b',
    'gpt-oss-20b': 'openai/gpt-oss-20b',
    'qwen3-32b': 'qwen/qwen3-32b',
  },
} as const satisfies ProviderDescriptor;
