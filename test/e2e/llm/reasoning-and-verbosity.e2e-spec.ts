import OpenAI from 'openai';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

/**
 * `reasoning_effort` (and `verbosity`) through LLMHub as an OpenAI app sends it: the real `openai` SDK against /v1,
 * LLMHub's providers against the simulator. It changes the answer and the tokens billed, so it reaches
 * the providers that take it as sent and is refused, naming it, where no provider would honour it.
 */
describe('reasoning_effort and verbosity through the OpenAI SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let openai: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayFixture({
      clientName: 'reasoning',
      env: (simUrl) => ({
        CUSTOM_PROVIDERS: JSON.stringify([{ name: 'local', base_url: `${simUrl}/v1`, models: ['gpt-4o-mini'] }]),
        PROVIDER_MAX_RETRIES: '0',
      }),
    });
    ({ app: t, sim } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const chatBodies = () => sim.requests.filter((r) => r.path.endsWith('/chat/completions')).map((r) => r.body as Record<string, unknown>);

  async function badRequest(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    return err as InstanceType<typeof OpenAI.BadRequestError>;
  }

  it('reaches openai, groq and custom models as sent, streamed or not', async () => {
    const calls: Array<[string, OpenAI.ReasoningEffort]> = [
      ['openai/gpt-4o-mini', 'minimal'],
      ['groq/openai/gpt-oss-20b', 'high'],
      ['local/gpt-4o-mini', 'low'],
    ];
    for (const [model, effort] of calls) {
      const res = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, reasoning_effort: effort });
      expect(res.choices[0].message.content).toBeTruthy();
      const stream = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 2,
        reasoning_effort: effort,
        stream: true,
      });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      expect(text).toBeTruthy();
    }
    expect(chatBodies().map((b) => [b.model, b.reasoning_effort, b.stream === true])).toEqual([
      ['gpt-4o-mini', 'minimal', false],
      ['gpt-4o-mini', 'minimal', true],
      ['openai/gpt-oss-20b', 'high', false],
      ['openai/gpt-oss-20b', 'high', true],
      ['gpt-4o-mini', 'low', false],
      ['gpt-4o-mini', 'low', true],
    ]);
  });

  it('is not sent when the request has none (null is the default, as at OpenAI)', async () => {
    await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2 });
    await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, reasoning_effort: null });
    expect(chatBodies().map((b) => 'reasoning_effort' in b)).toEqual([false, false]);
  });

  it('answers 400 naming reasoning_effort for anthropic and mock models, saying which providers take it, without calling them', async () => {
    for (const model of ['anthropic/claude-haiku-4-5', 'mock/echo']) {
      for (const stream of [false, true]) {
        const err = await badRequest(openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'low', stream }));
        expect(err.param).toBe('reasoning_effort');
        expect(err.code).toBe('validation_error');
        expect(err.message).toContain(`reasoning_effort is not supported by ${model.split('/')[0]}`);
        expect(err.message).toMatch(/supported by openai, groq and local models/);
        // Claude thinks by a setting of its own, which the refusal names
        if (model.startsWith('anthropic/')) expect(err.message).toContain('anthropic models take thinking instead');
        else expect(err.message).not.toContain('instead');
      }
    }
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses a value OpenAI does not define, naming the field and the values it takes', async () => {
    const err = await badRequest(
      openai.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        reasoning_effort: 'extreme' as OpenAI.ReasoningEffort,
      }),
    );
    expect(err.param).toBe('reasoning_effort');
    expect(err.message).toContain('none, minimal, low, medium, high, xhigh, max, default');
    expect(sim.requests).toHaveLength(0);
  });

  it('passes verbosity to openai and custom models as sent; refuses it, naming it, for groq, anthropic and mock models', async () => {
    for (const model of ['openai/gpt-4o-mini', 'local/gpt-4o-mini']) {
      await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, verbosity: 'low' });
    }
    expect(chatBodies().map((b) => b.verbosity)).toEqual(['low', 'low']);
    sim.reset();
    for (const model of ['groq/llama-3.3-70b-versatile', 'anthropic/claude-haiku-4-5', 'mock/echo']) {
      const err = await badRequest(openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], verbosity: 'high' }));
      expect(err.param).toBe('verbosity');
      expect(err.message).toContain(`verbosity is not supported by ${model.split('/')[0]}`);
      expect(err.message).toMatch(/supported by openai and local models/);
    }
    const unknown = await badRequest(
      openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], verbosity: 'terse' as 'low' }),
    );
    expect(unknown.param).toBe('verbosity');
    expect(sim.requests).toHaveLength(0);
  });

  it("skips a client's default fallback that cannot honour it: a failing primary is an error, never an answer without it", async () => {
    const client = await gateway.newClient({ fallback_models: ['anthropic/claude-haiku-4-5'] });
    const withFallback = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: client.key, maxRetries: 0 });
    // the first request with the id fails (OpenAI's), the next would be answered
    const failingOnce = (id: string) => ({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user' as const, content: `hi [[sim:fault=500;fail_first=1;id=${id}]]` }],
    });
    // without it: the default fallback answers
    await expect(withFallback.chat.completions.create(failingOnce('plain'))).resolves.toMatchObject({ model: 'anthropic/claude-haiku-4-5' });
    sim.reset();
    await expect(withFallback.chat.completions.create({ ...failingOnce('effort'), reasoning_effort: 'high' })).rejects.toBeInstanceOf(
      OpenAI.InternalServerError,
    );
    expect(sim.requests.map((r) => r.path)).toEqual(['/v1/chat/completions']);
  });
});
