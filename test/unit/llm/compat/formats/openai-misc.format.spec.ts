import { parseEmbeddingRequest, parseImageRequest } from '@src/llm/compat/formats/openai-misc.format';
import { toImageParams } from '@src/llm/providers/openai-compatible/openai-compatible.mapper';
import { fieldsOf } from '@test/support/validation-errors';

describe('parseImageRequest', () => {
  it('reads the options that change the image, and toImageParams passes them on as OpenAI takes them', () => {
    const parsed = parseImageRequest({
      model: 'openai/gpt-image-1',
      prompt: 'a cat',
      style: 'natural',
      background: 'transparent',
      output_format: 'webp',
      output_compression: 0,
      moderation: 'low',
      user: 'u1',
    });
    expect(parsed.options).toEqual({ style: 'natural', background: 'transparent', outputFormat: 'webp', outputCompression: 0, moderation: 'low' });
    expect(toImageParams({ model: 'gpt-image-1', prompt: 'a cat', n: 1, size: '1024x1024', quality: 'auto', options: parsed.options })).toEqual({
      model: 'gpt-image-1',
      prompt: 'a cat',
      n: 1,
      size: '1024x1024',
      quality: 'auto',
      style: 'natural',
      background: 'transparent',
      output_format: 'webp',
      output_compression: 0,
      moderation: 'low',
    });
    expect(parseImageRequest({ prompt: 'a cat' })).not.toHaveProperty('options');
  });

  it('names a value OpenAI does not take', () => {
    expect(
      fieldsOf(() =>
        parseImageRequest({ prompt: 'a cat', style: 'weird', background: 'clear', output_format: 'gif', output_compression: 101, moderation: 'none' }),
      ),
    ).toEqual(['style', 'background', 'output_format', 'output_compression', 'moderation']);
  });
});

describe('parseEmbeddingRequest', () => {
  it('names an empty input, which OpenAI refuses (there is nothing to embed), rather than passing it on', () => {
    expect(fieldsOf(() => parseEmbeddingRequest({ model: 'openai/text-embedding-3-small', input: '' }))).toEqual(['input']);
    expect(fieldsOf(() => parseEmbeddingRequest({ model: 'openai/text-embedding-3-small', input: ['a', '', 'c'] }))).toEqual(['input[1]']);
  });

  it('still reads a string or strings', () => {
    expect(parseEmbeddingRequest({ model: 'm', input: ['a', 'b'] }).input).toEqual(['a', 'b']);
    expect(parseEmbeddingRequest({ model: 'm', input: ' ' }).input).toEqual([' ']);
  });
});
