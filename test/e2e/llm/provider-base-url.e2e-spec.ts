import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * A provider given a base URL without the path its API lives under (an OpenAI base URL without
 * /v1) answers "no such route" 404s. That is the operator's setting to fix, so callers get the
 * upstream's failure saying so, not a refusal of their model field; a model the provider does not
 * have is still refused by name.
 */
describe('a provider whose base URL misses its API path', () => {
  let gateway: GatewayFixture;
  let openai: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayFixture({
      clientName: 'base-url',
      // Groq's SDK adds /openai/v1 itself: a base URL ending in /v1 puts its routes where there are none
      env: (simUrl) => ({ OPENAI_BASE_URL: simUrl, GROQ_BASE_URL: `${simUrl}/v1`, PROVIDER_MAX_RETRIES: '2', PROVIDER_RETRY_BASE_MS: '5' }),
    });
    openai = new OpenAI({ baseURL: `${gateway.app.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  it.each(['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile'])(
    'fails a call to %s as the upstream’s error (502) naming the missing route and the base URL, tried once',
    async (model) => {
      const err = (await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e)) as InstanceType<
        typeof OpenAI.APIError
      >;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(502);
      expect(err.error).toMatchObject({ code: 'upstream_error' });
      expect(err.message).toMatch(/Unknown request URL.*no such route: check its base URL/);
      expect(gateway.sim.requests).toHaveLength(1);
      const { rows } = await gateway.db.query('SELECT status, error_code FROM llm_generation_log WHERE id = $1', [err.headers!.get('x-request-id')]);
      expect(rows).toEqual([{ status: 'error', error_code: 'upstream_error' }]);
    },
  );

  it('still refuses a model the provider does not have by naming the model field (400)', async () => {
    const anthropic = new Anthropic({ baseURL: gateway.app.url, apiKey: gateway.apiKey, maxRetries: 0 });
    const err = (await anthropic.messages
      .create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi [[sim:fault=404]]' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
    expect(err.status).toBe(400);
    expect((err.error as { error: { details: { field: string }[] } }).error.details[0].field).toBe('model');
  });
});
