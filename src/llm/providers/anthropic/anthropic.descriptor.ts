import type { ProviderDescriptor } from '../provider-descriptor';

export const ANTHROPIC_DESCRIPTOR = {
  id: 'anthropic',
  aliases: ['claude'],
  env: { apiKey: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' },
  capabilities: ['chat', 'stream'],
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
