import type { ProviderDescriptor } from '../provider-descriptor';
import { isGptImageModel, openAiImageRequestProblems } from './openai-image-rules';

export { isGptImageModel };

export const OPENAI_DESCRIPTOR = {
  id: 'openai',
  aliases: [],
  env: { apiKey: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' },
  capabilities: [
    'chat',
    'stream',
    'embeddings',
    'images',
    'response_format',
    'response_format_with_tools',
    'logprobs',
    'n',
    'reasoning_effort',
    'verbosity',
    'documents',
  ],
  models: [
    { id: 'gpt-4o', kind: 'chat' },
    { id: 'gpt-4o-mini', kind: 'chat' },
    { id: 'gpt-4.1', kind: 'chat' },
    { id: 'gpt-4.1-mini', kind: 'chat' },
    { id: 'gpt-4.1-nano', kind: 'chat' },
    { id: 'o3-mini', kind: 'chat' },
    { id: 'o4-mini', kind: 'chat' },
    { id: 'gpt-5', kind: 'chat' },
    { id: 'gpt-5-mini', kind: 'chat' },
    { id: 'text-embedding-3-small', kind: 'embedding' },
    { id: 'text-embedding-3-large', kind: 'embedding' },
    { id: 'dall-e-2', kind: 'image' },
    { id: 'dall-e-3', kind: 'image' },
    { id: 'gpt-image-1', kind: 'image' },
  ],
  modelAliases: {
    'gpt-4o-latest': 'gpt-4o',
    'gpt-4.1-latest': 'gpt-4.1',
    'gpt-5-latest': 'gpt-5',
  },
  stopSequences: { max: 4 },
  // what OpenAI itself assumes when a request gives no quality
  defaultImageQuality: (model: string) => (isGptImageModel(model) ? 'auto' : 'standard'),
  imageRequestProblems: openAiImageRequestProblems,
} as const satisfies ProviderDescriptor;
