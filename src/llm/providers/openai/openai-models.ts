import type { ImageGenerateParamsNonStreaming } from 'openai/resources/images';
import { ImageRequest } from '../llm-provider';
import { MaxTokensField, toImageParams } from '../openai-compatible/openai-compatible.mapper';
import { isGptImageModel } from './openai.descriptor';

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
  if (isGptImageModel(req.model)) delete params.response_format;
  if (req.model === 'dall-e-2' && params.quality !== 'standard') delete params.quality;
  return params;
}
