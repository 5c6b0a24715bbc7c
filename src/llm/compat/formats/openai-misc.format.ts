import type { EmbeddingOutcome } from '../../generation/embeddings.service';
import type { ImageOutcome } from '../../generation/images.service';
import type { ImageOptions } from '../../providers/llm-provider';
import { BodyReader, Json } from './body-reader';

export const MAX_EMBEDDING_INPUTS = 2048;

export interface ParsedEmbeddingRequest {
  model: string;
  input: string[];
  dimensions?: number;
  encodingFormat: 'float' | 'base64';
}

/** /v1/embeddings: `input` as a string or strings (token arrays are refused); `user` is ignored. */
export function parseEmbeddingRequest(body: unknown): ParsedEmbeddingRequest {
  const r = BodyReader.of(body);
  const model = r.string('model', { required: true, max: 200 });
  const raw = r.body.input;
  let input: string[] | undefined;
  if (typeof raw === 'string') input = [raw];
  else if (Array.isArray(raw) && raw.length > 0 && raw.length <= MAX_EMBEDDING_INPUTS && raw.every((s) => typeof s === 'string')) input = raw;
  else r.problem('input', `expected a string or 1 to ${MAX_EMBEDDING_INPUTS} strings (token arrays are not supported)`);
  // OpenAI refuses an empty input (there is nothing to embed): named here, before a provider is called
  if (input !== undefined) {
    const empty = input.findIndex((text) => text === '');
    if (empty >= 0) input = r.problem(typeof raw === 'string' ? 'input' : `input[${empty}]`, 'must not be empty: there is nothing to embed');
  }
  const dimensions = r.number('dimensions', { integer: true, min: 1, max: 65_536 });
  const format = r.body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') r.problem('encoding_format', 'expected float or base64');
  r.done();
  return { model: model!, input: input!, ...(dimensions !== undefined ? { dimensions } : {}), encodingFormat: format as 'float' | 'base64' };
}

/** base64 of the little-endian float32 array, as OpenAI sends it (the openai SDK asks for it by default). */
function toBase64(vector: number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

export function toEmbeddingResponse(o: EmbeddingOutcome, format: 'float' | 'base64'): Json {
  return {
    object: 'list',
    data: o.result.vectors.map((vector, index) => ({ object: 'embedding', index, embedding: format === 'base64' ? toBase64(vector) : vector })),
    model: o.target.id,
    usage: { prompt_tokens: o.usage.inputTokens, total_tokens: o.usage.inputTokens, cost_usd: o.costUsd },
  };
}

export interface ParsedImageRequest {
  model?: string;
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  responseFormat?: 'url' | 'b64_json';
  options?: ImageOptions;
}

/**
 * What OpenAI's images API takes besides the prompt, size and quality that changes the image:
 * passed on as sent (before, they were accepted and dropped: a jpeg asked for came back a png, a
 * transparent background opaque, a natural style vivid). The provider says which model takes which.
 */
function readImageOptions(r: BodyReader): ImageOptions | undefined {
  const options: ImageOptions = {};
  const style = r.oneOf('style', ['vivid', 'natural'] as const);
  if (style) options.style = style;
  const background = r.oneOf('background', ['transparent', 'opaque', 'auto'] as const);
  if (background) options.background = background;
  const outputFormat = r.oneOf('output_format', ['png', 'jpeg', 'webp'] as const);
  if (outputFormat) options.outputFormat = outputFormat;
  const outputCompression = r.number('output_compression', { integer: true, min: 0, max: 100 });
  if (outputCompression !== undefined) options.outputCompression = outputCompression;
  const moderation = r.oneOf('moderation', ['low', 'auto'] as const);
  if (moderation) options.moderation = moderation;
  return Object.keys(options).length > 0 ? options : undefined;
}

/** /v1/images/generations; `user` is accepted and ignored; style, background, output_format, output_compression and moderation are passed on. */
export function parseImageRequest(body: unknown): ParsedImageRequest {
  const r = BodyReader.of(body);
  const model = r.string('model', { max: 200 });
  const prompt = r.string('prompt', { required: true, max: 32_000 });
  const n = r.number('n', { integer: true, min: 1, max: 10 }) ?? 1;
  const size = r.string('size', { max: 20 });
  if (size !== undefined && !/^(\d{2,5}x\d{2,5}|auto)$/.test(size)) r.problem('size', 'expected WIDTHxHEIGHT or auto');
  const quality = r.string('quality', { max: 20 });
  if (quality !== undefined && !['standard', 'hd', 'low', 'medium', 'high', 'auto'].includes(quality))
    r.problem('quality', 'expected standard, hd, low, medium, high or auto');
  const format = r.string('response_format');
  if (format !== undefined && format !== 'url' && format !== 'b64_json') r.problem('response_format', 'expected url or b64_json');
  if (r.has('stream') && r.body.stream !== false) r.unsupported('stream', 'streamed image generation is not supported');
  const options = readImageOptions(r);
  r.done();
  return {
    ...(model !== undefined ? { model } : {}),
    prompt: prompt!,
    n,
    ...(size !== undefined ? { size } : {}),
    ...(quality !== undefined ? { quality } : {}),
    ...(format !== undefined ? { responseFormat: format as 'url' | 'b64_json' } : {}),
    ...(options ? { options } : {}),
  };
}

export function toImagesResponse(o: ImageOutcome): Json {
  return {
    created: Math.floor(o.createdAt.getTime() / 1000),
    data: o.result.images.map((i) => ({
      ...(i.url ? { url: i.url } : {}),
      ...(i.b64Json ? { b64_json: i.b64Json } : {}),
      ...(i.revisedPrompt ? { revised_prompt: i.revisedPrompt } : {}),
    })),
    usage: {
      input_tokens: o.usage.inputTokens,
      output_tokens: o.usage.outputTokens,
      total_tokens: o.usage.inputTokens + o.usage.outputTokens,
      cost_usd: o.costUsd,
    },
  };
}
