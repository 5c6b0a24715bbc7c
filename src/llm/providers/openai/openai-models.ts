import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import { ImageRequest, ProviderModel } from '../llm-provider';
import { MaxTokensField, toImageParams } from '../openai-compatible/openai-compatible.mapper';

export const OPENAI_MODELS: readonly ProviderModel[] = [
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
];

/**
 * OpenAI's reasoning models (o1, o3, o4-mini, gpt-5…) reject `max_tokens` and
 * need `max_completion_tokens`; older chat models accept `max_tokens`, which is
 * also what OpenAI-compatible proxies understand.
 */
export function openAiMaxTokensField(model: string): MaxTokensField {
  return /^(o\d|gpt-5)/.test(model) ? 'max_completion_tokens' : 'max_tokens';
}

/**
 * gpt-image models always answer base64 and reject `response_format`;
 * dall-e-2 has a single quality and rejects any other value.
 */
export function openAiImageParams(req: ImageRequest): ImageGenerateParamsNonStreaming {
  const params = toImageParams(req);
  if (req.model.startsWith('gpt-image')) delete params.response_format;
  if (req.model === 'dall-e-2' && params.quality !== 'standard') delete params.quality;
  return params;
}
