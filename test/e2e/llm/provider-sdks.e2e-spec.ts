import Anthropic from '@anthropic-ai/sdk';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * An app written for OpenAI, Anthropic or Groq works against LLMHub by changing
 * only its base URL and key: the real SDKs, LLMHub's providers on the simulator.
 */
describe('provider SDKs against LLMHub (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'provider-sdks', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, apiKey } = gateway);
  }, 60_000);

  afterAll(() => gateway?.close());

  describe('groq-sdk (baseURL = LLMHub root, so it calls /openai/v1/*)', () => {
    let groq: Groq;
    beforeAll(() => {
      groq = new Groq({ baseURL: t.url, apiKey, maxRetries: 0 });
    });

    it('creates a chat completion, with the cost in usage', async () => {
      const res = await groq.chat.completions.create({ model: 'groq/llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'hello groq' }] });
      expect(res.object).toBe('chat.completion');
      expect(res.model).toBe('groq/llama-3.3-70b-versatile');
      expect(res.choices[0]?.message.content).toEqual(expect.any(String));
      expect(res.usage?.completion_tokens).toBeGreaterThan(0);
      expect((res.usage as unknown as { cost_usd: string }).cost_usd).toMatch(/^\d+\.\d+$/);
    });

    it('streams a chat completion chunk by chunk', async () => {
      const stream = await groq.chat.completions.create({
        model: 'groq/llama-3.3-70b-versatile',
        messages: [{ role: 'user', content: 'stream please' }],
        stream: true,
      });
      let text = '';
      let chunks = 0;
      for await (const chunk of stream) {
        chunks += 1;
        text += chunk.choices[0]?.delta.content ?? '';
      }
      expect(chunks).toBeGreaterThan(1);
      expect(text.length).toBeGreaterThan(0);
    });

    it('lists the models the key may use as provider/model ids', async () => {
      const page = await groq.models.list();
      const ids = page.data.map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['groq/llama-3.3-70b-versatile', 'openai/gpt-4o-mini']));
    });

    it('creates embeddings', async () => {
      const res = await groq.embeddings.create({ model: 'openai/text-embedding-3-small', input: 'one two three', encoding_format: 'float' });
      expect(res.data[0]?.embedding).toEqual(expect.any(Array));
    });

    it('raises its usual AuthenticationError for a wrong key, from the OpenAI error shape', async () => {
      const bad = new Groq({ baseURL: t.url, apiKey: 'llm_not_a_key', maxRetries: 0 });
      const err = await bad.models.list().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Groq.AuthenticationError);
      expect((err as InstanceType<typeof Groq.AuthenticationError>).error).toMatchObject({ error: { code: 'invalid_api_key', type: 'authentication_error' } });
    });

    it('raises its usual BadRequestError naming the field for an invalid body', async () => {
      const err = await groq.chat.completions.create({ model: 'groq/llama-3.3-70b-versatile', messages: [] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Groq.BadRequestError);
      expect((err as InstanceType<typeof Groq.BadRequestError>).error).toMatchObject({ error: { code: 'validation_error', param: 'messages' } });
    });
  });

  it('the OpenAI SDK (baseURL …/v1) generates on any provider', async () => {
    const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey, maxRetries: 0 });
    const res = await openai.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hello openai sdk' }] });
    expect(res.model).toBe('anthropic/claude-haiku-4-5');
    expect(res.choices[0]?.message.content).toEqual(expect.any(String));
  });

  it('the OpenAI SDK retrieves one model by its provider/model id, and raises NotFoundError for an unknown one', async () => {
    const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey, maxRetries: 0 });
    await expect(openai.models.retrieve('openai/gpt-4o-mini')).resolves.toEqual({
      id: 'openai/gpt-4o-mini',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'openai',
    });
    const err = await openai.models.retrieve('openai/nope-9000').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect((err as InstanceType<typeof OpenAI.NotFoundError>).code).toBe('not_found');
    expect((err as Error).message).toContain('openai/nope-9000');
  });

  it('the Anthropic SDK (baseURL = LLMHub root) generates on any provider', async () => {
    const anthropic = new Anthropic({ baseURL: t.url, apiKey, maxRetries: 0 });
    const msg = await anthropic.messages.create({
      model: 'groq/llama-3.3-70b-versatile',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hello anthropic sdk' }],
    });
    expect(msg.type).toBe('message');
    expect(msg.content[0]).toMatchObject({ type: 'text' });
  });
});
