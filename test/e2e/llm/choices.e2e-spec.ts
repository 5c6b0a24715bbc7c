import Decimal from 'decimal.js';
import OpenAI from 'openai';
import type { Client } from 'pg';
import { PricingService } from '@src/llm/pricing/pricing.service';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

/**
 * `n` (several choices in one call) through LLMHub as an OpenAI app uses it:
 * the real `openai` SDK against /v1, LLMHub's providers against the simulator,
 * usage checked in llm_generation_log.
 */
describe('n choices through the OpenAI SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let openai: OpenAI;
  let db: Client;
  let pricing: PricingService;

  beforeAll(async () => {
    gateway = await startGatewayFixture({
      clientName: 'choices',
      env: (simUrl) => ({
        CUSTOM_PROVIDERS: JSON.stringify([{ name: 'local', base_url: `${simUrl}/v1`, models: ['gpt-4o-mini'] }]),
        PROVIDER_MAX_RETRIES: '0',
      }),
    });
    ({ app: t, sim, db } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    pricing = t.app.get(PricingService);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const chatRequests = () => sim.requests.filter((r) => r.path.endsWith('/chat/completions'));

  async function logRows(id: string): Promise<Record<string, any>[]> {
    const { rows } = await db.query('SELECT * FROM llm_generation_log WHERE id = $1', [id]);
    return rows;
  }

  async function badRequest(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.BadRequestError>> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    return err as InstanceType<typeof OpenAI.BadRequestError>;
  }

  it('answers n = 3 as three choices, index 0–2, and records one call priced from the usage of all three', async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Three taglines please' }], max_tokens: 4, n: 3 })
      .withResponse();
    expect(data.choices).toEqual([
      expect.objectContaining({ index: 0, message: expect.objectContaining({ content: 'word1 word2 word3 word4' }), finish_reason: 'length' }),
      expect.objectContaining({ index: 1, message: expect.objectContaining({ content: 'c1word1 c1word2 c1word3 c1word4' }), finish_reason: 'length' }),
      expect.objectContaining({ index: 2, message: expect.objectContaining({ content: 'c2word1 c2word2 c2word3 c2word4' }), finish_reason: 'length' }),
    ]);
    expect(chatRequests().map((r) => r.body)).toEqual([expect.objectContaining({ model: 'gpt-4o-mini', n: 3, max_tokens: 4 })]);

    const upstream = chatRequests()[0].usage!;
    expect(upstream.output_tokens).toBe(12);
    expect(data.usage).toMatchObject({ prompt_tokens: upstream.input_tokens, completion_tokens: 12 });
    const cost = pricing.cost('openai/gpt-4o-mini', { inputTokens: upstream.input_tokens, outputTokens: 12 })!.toFixed();
    expect(response.headers.get('x-llmhub-cost-usd')).toBe(cost);
    expect((data.usage as unknown as { cost_usd: string }).cost_usd).toBe(cost);

    const rows = await logRows(response.headers.get('x-request-id')!);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'success', provider: 'openai', input_tokens: upstream.input_tokens, output_tokens: 12, is_stream: false });
    expect(new Decimal(rows[0].cost_usd).equals(cost)).toBe(true);
  });

  it("answers each choice's logprobs with n > 1", async () => {
    const res = await openai.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 2,
      n: 2,
      logprobs: true,
    });
    expect(res.choices).toHaveLength(2);
    for (const choice of res.choices) {
      expect((choice.logprobs?.content ?? []).map((tk) => tk.token).join('')).toBe(choice.message.content);
    }
  });

  it("streams n = 2 with every chunk's choice index kept: both texts whole and apart, usage of both in the last chunk", async () => {
    const stream = await openai.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Two answers please' }],
      max_tokens: 5,
      n: 2,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ['', ''];
    const finishes: (string | null)[] = [null, null];
    const roles: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    let id = '';
    for await (const chunk of stream) {
      id = chunk.id;
      for (const choice of chunk.choices) {
        expect([0, 1]).toContain(choice.index);
        texts[choice.index] += choice.delta.content ?? '';
        if (choice.delta.role) roles.push(`${choice.index}:${choice.delta.role}`);
        if (choice.finish_reason) finishes[choice.index] = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage;
    }
    expect(texts).toEqual(['word1 word2 word3 word4 word5', 'c1word1 c1word2 c1word3 c1word4 c1word5']);
    expect(finishes).toEqual(['length', 'length']);
    expect(roles).toEqual(['0:assistant', '1:assistant']);

    const upstream = chatRequests()[0];
    expect(upstream.body).toMatchObject({ n: 2, stream: true });
    const cost = pricing.cost('openai/gpt-4o-mini', { inputTokens: upstream.usage!.input_tokens, outputTokens: 10 })!.toFixed();
    expect(usage).toMatchObject({ prompt_tokens: upstream.usage!.input_tokens, completion_tokens: 10, cost_usd: cost });
    const rows = await logRows(id.replace('chatcmpl-', ''));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'success', is_stream: true, output_tokens: 10 });
    expect(new Decimal(rows[0].cost_usd).equals(cost)).toBe(true);
  });

  it("builds every choice through the SDK's stream helper (finalChatCompletion)", async () => {
    const stream = openai.chat.completions.stream({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 3, n: 3 });
    const final = await stream.finalChatCompletion();
    expect(final.choices.map((c) => [c.index, c.message.role, c.message.content, c.finish_reason])).toEqual([
      [0, 'assistant', 'word1 word2 word3', 'length'],
      [1, 'assistant', 'c1word1 c1word2 c1word3', 'length'],
      [2, 'assistant', 'c2word1 c2word2 c2word3', 'length'],
    ]);
  });

  it('passes n to a custom OpenAI-compatible provider', async () => {
    const res = await openai.chat.completions.create({ model: 'local/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 2, n: 2 });
    expect(res.choices.map((c) => c.message.content)).toEqual(['word1 word2', 'c1word1 c1word2']);
    expect(chatRequests()[0].body).toMatchObject({ n: 2 });
  });

  it('answers 400 naming n for groq, anthropic and mock models, saying which providers take it, without calling them', async () => {
    for (const model of ['groq/llama-3.3-70b-versatile', 'anthropic/claude-haiku-4-5', 'mock/echo']) {
      for (const stream of [false, true]) {
        const err = await badRequest(openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], n: 2, stream }));
        expect(err.param).toBe('n');
        expect(err.code).toBe('validation_error');
        expect(err.message).toContain(`n is not supported by ${model.split('/')[0]}`);
        expect(err.message).toMatch(/supported by openai and local models/);
      }
    }
    expect(sim.requests).toHaveLength(0);
  });

  it('accepts n = 1 on any provider (it is the default) without sending it', async () => {
    const res = await openai.chat.completions.create({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }], n: 1 });
    expect(res.choices).toHaveLength(1);
    const groq = await openai.chat.completions.create({ model: 'groq/llama-3.3-70b-versatile', messages: [{ role: 'user', content: 'hi' }], n: 1 });
    expect(groq.choices).toHaveLength(1);
    expect(chatRequests()[0].body).not.toHaveProperty('n');
  });

  it('refuses an explicit fallback that cannot answer n choices, naming it', async () => {
    const err = await badRequest(
      openai.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        n: 2,
        // LLMHub's extension: the SDK passes unknown body fields on
        ...({ fallbacks: ['groq/llama-3.3-70b-versatile'] } as object),
      }),
    );
    expect(err.param).toBe('fallbacks[0]');
    expect(err.message).toContain('n is not supported by groq/llama-3.3-70b-versatile');
    expect(sim.requests).toHaveLength(0);
  });

  it("skips a client's default fallback without n: a failing primary is an error, never one choice from the fallback", async () => {
    const client = await gateway.newClient({ fallback_models: ['groq/llama-3.3-70b-versatile'] });
    const withFallback = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: client.key, maxRetries: 0 });
    // the first request with the id fails (OpenAI's), the next would be answered
    const failingOnce = (id: string) => ({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user' as const, content: `hi [[sim:fault=500;fail_first=1;id=${id}]]` }],
    });
    // n = 1: the default fallback answers
    await expect(withFallback.chat.completions.create(failingOnce('n1'))).resolves.toMatchObject({ model: 'groq/llama-3.3-70b-versatile' });
    sim.reset();
    await expect(withFallback.chat.completions.create({ ...failingOnce('n2'), n: 2 })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    expect(chatRequests().map((r) => r.path)).toEqual(['/v1/chat/completions']);
  });

  it('reserves max_tokens for each of the n choices against the budget', async () => {
    // gpt-4o-mini: $0.15 per million input tokens, $0.60 per million output tokens
    // max_tokens 100 reserves ~$0.00006 of output: once fits in $0.0001, three times does not
    const client = await gateway.newClient({ monthly_budget_usd: '0.0001' });
    const budgeted = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: client.key, maxRetries: 0 });
    const body = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], max_tokens: 100 };
    const err = await budgeted.chat.completions.create({ ...body, n: 3 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((err as Error).message).toContain('max_tokens 100 for each of 3 choices (n)');
    expect(sim.requests).toHaveLength(0);
    await expect(budgeted.chat.completions.create(body)).resolves.toMatchObject({ choices: [expect.anything()] });
  });
});
