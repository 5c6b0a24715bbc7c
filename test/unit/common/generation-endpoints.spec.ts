import { generationEndpointOf } from '../../../src/common/generation-endpoints';

describe('generationEndpointOf', () => {
  it.each([
    ['/v1/chat/completions', '/v1/chat/completions'],
    ['/openai/v1/chat/completions', '/v1/chat/completions'],
    ['/OpenAI/V1/Embeddings/', '/v1/embeddings'],
    ['/v1/messages', '/v1/messages'],
    ['/api/v1/llm/generate-content', '/api/v1/llm/generate-content'],
  ])('names %s as %s, the endpoint its successes are recorded under', (path, endpoint) => {
    expect(generationEndpointOf(path)).toBe(endpoint);
  });

  it.each([
    '/v1/messages/count_tokens',
    '/v1/models',
    '/v1/responses/resp_1',
    '/api/v1/prompts/greeting/render',
    // Anthropic's route has no /openai/v1 twin
    '/openai/v1/messages',
    '/v1/chat/completions//',
    '/',
    '',
  ])('%s is no call', (path) => {
    expect(generationEndpointOf(path)).toBeUndefined();
  });
});
