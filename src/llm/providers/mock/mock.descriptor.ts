import type { ProviderDescriptor } from '../provider-descriptor';

/** The built-in provider that needs no account; MOCK_PROVIDER decides when it answers. */
export const MOCK_DESCRIPTOR = {
  id: 'mock',
  aliases: [],
  capabilities: ['chat', 'stream', 'embeddings', 'images'],
  models: [
    { id: 'echo', kind: 'chat' },
    { id: 'embed', kind: 'embedding' },
    { id: 'image', kind: 'image' },
  ],
  standIn: true,
} as const satisfies ProviderDescriptor;
