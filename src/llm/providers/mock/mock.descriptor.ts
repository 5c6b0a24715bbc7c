import type { ProviderDescriptor } from '../provider-descriptor';

/** The built-in provider that needs no account; MOCK_PROVIDER decides when it answers. */
export const MOCK_DESCRIPTOR = {
  id: 'mock',
  aliases: [],
  // no `n`: it answers one echo per call, and the gateway does not fan a call out (see anthropic.descriptor.ts)
  capabilities: ['chat', 'stream', 'embeddings', 'images'],
  models: [
    { id: 'echo', kind: 'chat' },
    { id: 'embed', kind: 'embedding' },
    { id: 'image', kind: 'image' },
  ],
  standIn: true,
} as const satisfies ProviderDescriptor;
