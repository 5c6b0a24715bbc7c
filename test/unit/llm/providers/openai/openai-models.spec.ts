import { openAiImageParams, openAiMaxTokensField } from '@src/llm/providers/openai/openai-models';
import { ImageRequest } from '@src/llm/providers/llm-provider';

describe('openAiMaxTokensField', () => {
  it.each(['o1', 'o3-mini', 'o4-mini', 'gpt-5', 'gpt-5-mini'])('sends max_completion_tokens to %s', (model) => {
    expect(openAiMaxTokensField(model)).toBe('max_completion_tokens');
  });

  it.each(['gpt-4o', 'gpt-4o-mini', 'gpt-4.1-nano'])('sends max_tokens to %s', (model) => {
    expect(openAiMaxTokensField(model)).toBe('max_tokens');
  });
});

describe('openAiImageParams', () => {
  const req: ImageRequest = { model: 'dall-e-3', prompt: 'a fox', n: 1, size: '1024x1024', quality: 'hd', responseFormat: 'url' };

  it('passes DALL·E 3 options through', () => {
    expect(openAiImageParams(req)).toEqual({ model: 'dall-e-3', prompt: 'a fox', n: 1, size: '1024x1024', quality: 'hd', response_format: 'url' });
  });

  it('never sends response_format to gpt-image models, which always answer base64', () => {
    expect(openAiImageParams({ ...req, model: 'gpt-image-1', quality: 'low' })).not.toHaveProperty('response_format');
  });

  it('drops a quality DALL·E 2 does not have', () => {
    expect(openAiImageParams({ ...req, model: 'dall-e-2', quality: 'hd' })).not.toHaveProperty('quality');
    expect(openAiImageParams({ ...req, model: 'dall-e-2', quality: 'standard' })).toMatchObject({ quality: 'standard' });
  });
});
