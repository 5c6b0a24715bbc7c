import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Client } from 'pg';
import { PricingService } from '@src/llm/pricing/pricing.service';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { pollUntil, waitUntil } from '@test/support/poll';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

/**
 * The gateway end to end: the official SDKs on both sides, LLMHub's providers
 * pointed at the simulator, usage checked in llm_generation_log.
 */
describe('gateway (e2e, real SDKs against the simulator)', () => {
  let gateway: GatewayFixture;
  let sim: ProviderSimulator;
  let t: TestApp;
  let apiKey: string;
  let db: Client;
  let openai: OpenAI;
  let anthropic: Anthropic;
  let pricing: PricingService;

  beforeAll(async () => {
    gateway = await startGatewayFixture({
      clientName: 'gateway-e2e',
      env: (simUrl) => ({
        CUSTOM_PROVIDERS: JSON.stringify([{ name: 'local', base_url: `${simUrl}/v1`, models: ['unpriced-model'] }]),
        PROVIDER_MAX_RETRIES: '2',
        PROVIDER_RETRY_BASE_MS: '5',
        PROVIDER_TIMEOUT_MS: '1500',
      }),
    });
    ({ sim, app: t, apiKey, db } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: t.url, apiKey, maxRetries: 0 });
    pricing = t.app.get(PricingService);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  async function logRow(id: string): Promise<Record<string, any>> {
    const { rows } = await db.query('SELECT * FROM llm_generation_log WHERE id = $1', [id]);
    return rows[0];
  }

  function expectedCost(model: string, usage: { input_tokens: number; output_tokens: number }): string | null {
    const cost = pricing.cost(model, { inputTokens: usage.input_tokens, outputTokens: usage.output_tokens });
    return cost === null ? null : cost.toFixed();
  }

  describe('OpenAI-compatible /v1/chat/completions', () => {
    it.each(['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile', 'anthropic/claude-haiku-4-5'])(
      'answers a genuine ChatCompletion for %s with the exact cost',
      async (model) => {
        const { data, response } = await openai.chat.completions
          .create({
            model,
            messages: [
              { role: 'system', content: 'Be brief.' },
              { role: 'user', content: 'Say hello to the world' },
            ],
            max_tokens: 8,
          })
          .withResponse();
        const upstream = sim.requests.at(-1)!;
        expect(data.model).toBe(model);
        expect(data.object).toBe('chat.completion');
        expect(data.choices[0].message.content).toBe('word1 word2 word3 word4 word5 word6 word7 word8');
        expect(data.usage).toMatchObject({ prompt_tokens: upstream.usage!.input_tokens, completion_tokens: 8, total_tokens: upstream.usage!.input_tokens + 8 });
        const requestId = response.headers.get('x-request-id')!;
        expect(data.id).toBe(`chatcmpl-${requestId}`);
        const cost = expectedCost(model, upstream.usage!);
        expect(cost).not.toBeNull();
        expect(response.headers.get('x-llmhub-cost-usd')).toBe(cost);
        const row = await logRow(requestId);
        expect(row).toMatchObject({
          status: 'success',
          provider: model.split('/')[0],
          input_tokens: upstream.usage!.input_tokens,
          output_tokens: 8,
          attempts: 1,
          is_stream: false,
        });
        expect(row.cost_usd).not.toBeNull();
        expect(Number(row.cost_usd)).toBeCloseTo(Number(cost), 12);
      },
    );

    it.each(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'groq/llama-3.1-8b-instant'])(
      'streams %s chunk by chunk, usage chunk with cost, record committed before [DONE]',
      async (model) => {
        const stream = await openai.chat.completions.create({
          model,
          messages: [{ role: 'user', content: 'Stream me something please' }],
          max_tokens: 5,
          stream: true,
          stream_options: { include_usage: true },
        });
        let text = '';
        let usage: any;
        let id = '';
        for await (const chunk of stream) {
          id = chunk.id;
          text += chunk.choices[0]?.delta.content ?? '';
          if (chunk.usage) usage = chunk.usage;
        }
        expect(text).toBe('word1 word2 word3 word4 word5');
        const upstream = sim.requests.at(-1)!;
        expect(usage).toMatchObject({ prompt_tokens: upstream.usage!.input_tokens, completion_tokens: 5, cost_usd: expectedCost(model, upstream.usage!) });
        const row = await logRow(id.replace('chatcmpl-', ''));
        expect(row).toMatchObject({ status: 'success', is_stream: true, output_tokens: 5 });
      },
    );

    it('answers mock/echo', async () => {
      const data = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'ping pong' }] });
      expect(data.choices[0].message.content).toBe('Echo: ping pong');
    });

    it('streams mock/echo through both SDKs, with usage', async () => {
      const stream = await openai.chat.completions.create({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'ping pong' }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let text = '';
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        usage = chunk.usage ?? usage;
      }
      expect(text).toBe('Echo: ping pong');
      expect(usage?.completion_tokens).toBeGreaterThan(0);
      const message = await anthropic.messages
        .stream({ model: 'mock/echo', max_tokens: 50, messages: [{ role: 'user', content: 'ping pong' }] })
        .finalMessage();
      expect(message.content[0]).toMatchObject({ type: 'text', text: 'Echo: ping pong' });
      expect(message.usage.output_tokens).toBeGreaterThan(0);
    });

    it.each(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'groq/llama-3.3-70b-versatile'])(
      'runs the SDK’s runTools helper on %s: the streamed call is parsed, run, and its result answered',
      async (model) => {
        const calls: unknown[] = [];
        const runner = openai.chat.completions.runTools({
          model,
          stream: true,
          // a named tool: the helper calls it once, then stops
          tool_choice: { type: 'function', function: { name: 'lookup' } },
          messages: [{ role: 'user', content: 'Look it up' }],
          tools: [
            {
              type: 'function',
              function: {
                name: 'lookup',
                description: 'Looks a word up',
                parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] },
                parse: (args: string) => JSON.parse(args) as unknown,
                function: (args: unknown) => {
                  calls.push(args);
                  return 'found';
                },
              },
            },
          ],
        });
        expect(await runner.finalFunctionToolCallResult()).toBe('found');
        expect(calls).toEqual([{ word: '' }]);
        const call = (await runner.finalChatCompletion()).choices[0];
        expect(call).toMatchObject({ finish_reason: 'tool_calls', message: { tool_calls: [{ type: 'function', function: { name: 'lookup' } }] } });
      },
    );

    it('refuses an unknown model with a 400 naming it', async () => {
      const err = await openai.chat.completions.create({ model: 'nope-9000', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as Error).message).toContain('nope-9000');
      expect((err as Error).message).toContain('/v1/models');
    });

    it('refuses n > 1 naming the field, accepts what the SDK sends harmlessly', async () => {
      const err = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'x' }], n: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as { param?: string }).param).toBe('n');
      const ok = await openai.chat.completions.create({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'x' }],
        n: 1,
        user: 'u',
        seed: 1,
        parallel_tool_calls: true,
        logprobs: false,
      });
      expect(ok.choices).toHaveLength(1);
    });

    it('records price_unknown with a null cost for a model without a price', async () => {
      const { data, response } = await openai.chat.completions
        .create({ model: 'local/unpriced-model', messages: [{ role: 'user', content: 'hi there' }] })
        .withResponse();
      expect((data.usage as any).cost_usd).toBeNull();
      expect(response.headers.get('x-llmhub-cost-usd')).toBeNull();
      const row = await logRow(response.headers.get('x-request-id')!);
      expect(row).toMatchObject({ status: 'success', price_unknown: true, cost_usd: null });
    });
  });

  describe('Anthropic-compatible /v1/messages', () => {
    it.each(['anthropic/claude-sonnet-4-5', 'openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile'])('answers a genuine Message for %s', async (model) => {
      const { data, response } = await anthropic.messages
        .create({ model, max_tokens: 4, system: 'Short.', messages: [{ role: 'user', content: 'Hello there friend' }] })
        .withResponse();
      expect(data.type).toBe('message');
      expect(data.content).toEqual([{ type: 'text', text: 'word1 word2 word3 word4', citations: null }]);
      expect(data.stop_reason).toBe('max_tokens');
      const upstream = sim.requests.at(-1)!;
      expect(data.usage.output_tokens).toBe(4);
      expect(data.usage.input_tokens).toBe(upstream.usage!.input_tokens);
      expect(response.headers.get('x-llmhub-cost-usd')).toBe(expectedCost(model, upstream.usage!));
    });

    it.each(['anthropic/claude-haiku-4-5', 'openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile'])(
      'streams %s with the Anthropic event sequence',
      async (model) => {
        const stream = anthropic.messages.stream({ model, max_tokens: 3, messages: [{ role: 'user', content: 'Stream it' }] });
        const types: string[] = [];
        stream.on('streamEvent', (event) => types.push(event.type));
        const message = await stream.finalMessage();
        expect(message.content).toEqual([{ type: 'text', text: 'word1 word2 word3', citations: null }]);
        expect(message.usage.output_tokens).toBe(3);
        expect(types[0]).toBe('message_start');
        expect(types.at(-1)).toBe('message_stop');
        expect(types).toContain('content_block_delta');
        const hex = message.id.replace('msg_', '');
        const row = await logRow(`${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`);
        expect(row).toMatchObject({ status: 'success', is_stream: true, output_tokens: 3 });
      },
    );

    it('says which stop sequence ended an Anthropic answer (stop_reason stop_sequence), streamed or not', async () => {
      const params = {
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 10,
        stop_sequences: ['word3', 'nope'],
        messages: [{ role: 'user' as const, content: 'Count' }],
      };
      const created = await anthropic.messages.create(params);
      expect(created).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'word3', content: [{ type: 'text', text: 'word1 word2' }] });
      const streamed = await anthropic.messages.stream(params).finalMessage();
      expect(streamed).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'word3', content: [{ type: 'text', text: 'word1 word2' }] });
      // the OpenAI shape has no such field: a stop sequence is finish_reason stop, as OpenAI answers it
      const completion = await openai.chat.completions.create({ model: params.model, max_tokens: 10, stop: ['word3'], messages: params.messages });
      expect(completion.choices[0].finish_reason).toBe('stop');
    });

    it('refuses more stop_sequences than an OpenAI-shaped provider takes with a 400 naming stop_sequences, before calling it', async () => {
      const five = ['a', 'b', 'c', 'd', 'e'];
      for (const model of ['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile']) {
        for (const stream of [false, true]) {
          const err = (await anthropic.messages
            .create({ model, max_tokens: 5, stop_sequences: five, stream, messages: [{ role: 'user', content: 'Count' }] })
            .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
          expect(err).toBeInstanceOf(Anthropic.BadRequestError);
          expect(err.error).toMatchObject({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'validation_error',
              message: expect.stringContaining('take at most 4 stop sequences; the request has 5'),
              details: [{ field: 'stop_sequences' }],
            },
          });
          expect(await logRow(err.requestID!)).toMatchObject({ error_code: 'validation_error', requested_model: model });
        }
      }
      expect(sim.requests).toHaveLength(0);
      // Anthropic itself takes them
      const message = await anthropic.messages.create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 5,
        stop_sequences: five,
        messages: [{ role: 'user', content: 'Count' }],
      });
      expect(message.stop_reason).toBe('max_tokens');
    });

    it('refuses a whitespace-only stop sequence for an Anthropic model with a 400 naming stop, before calling it; OpenAI takes it', async () => {
      for (const stream of [false, true]) {
        const err = (await openai.chat.completions
          .create({ model: 'anthropic/claude-haiku-4-5', stop: ['END', '\n'], stream, messages: [{ role: 'user', content: 'Count' }] })
          .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
        expect(err).toBeInstanceOf(OpenAI.BadRequestError);
        expect(err).toMatchObject({ code: 'validation_error', param: 'stop' });
        expect(err.message).toContain('anthropic models take no stop sequence made only of whitespace, such as "\\n"');
      }
      expect(sim.requests).toHaveLength(0);
      const completion = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', stop: ['\n'], messages: [{ role: 'user', content: 'Count' }] });
      expect(completion.choices[0].finish_reason).toBe('stop');
    });

    it('names a fallback that takes fewer stop_sequences than the request has', async () => {
      const err = (await anthropic.messages
        .create({
          model: 'anthropic/claude-haiku-4-5',
          max_tokens: 5,
          stop_sequences: ['a', 'b', 'c', 'd', 'e'],
          messages: [{ role: 'user', content: 'Count' }],
          ...({ fallbacks: ['openai/gpt-4o-mini'] } as object),
        })
        .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect(err.error).toMatchObject({ error: { code: 'validation_error', details: [{ field: 'fallbacks[0]' }] } });
      expect(sim.requests).toHaveLength(0);
    });
  });

  describe('resilience', () => {
    it('retries a retryable failure and succeeds (fail_first)', async () => {
      const { data, response } = await openai.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'retry me [[sim:fail_first=2;id=retry-1]]' }] })
        .withResponse();
      expect(data.choices[0].message.content).toContain('word1');
      expect((data as any).attempts).toBe(3);
      expect((await logRow(response.headers.get('x-request-id')!)).attempts).toBe(3);
    });

    it('answers 502 upstream_error once retries are exhausted, and records the error', async () => {
      const err = (await openai.chat.completions
        .create({ model: 'openai/gpt-4o', messages: [{ role: 'user', content: 'fail [[sim:fault=500]]' }] })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err).toBeInstanceOf(OpenAI.APIError);
      expect(err.status).toBe(502);
      expect(sim.requests).toHaveLength(3);
      const row = await logRow(err.headers!.get('x-request-id')!);
      expect(row).toMatchObject({ status: 'error', error_code: 'upstream_error', attempts: 3 });
    });

    it('names the model when the provider does not have it (400, no retry)', async () => {
      const openaiErr = (await openai.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi [[sim:fault=404]]' }] })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(openaiErr.status).toBe(400);
      expect(openaiErr.error).toMatchObject({ code: 'validation_error', param: 'model' });
      expect(openaiErr.message).toMatch(/gpt-4o-mini` does not exist/);
      expect(sim.requests).toHaveLength(1);
      const anthropicErr = (await anthropic.messages
        .create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi [[sim:fault=404]]' }] })
        .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(anthropicErr.status).toBe(400);
      expect((anthropicErr.error as { error: { details: { field: string }[] } }).error.details[0].field).toBe('model');
    });

    it('answers 502 for a malformed provider answer', async () => {
      const err = (await openai.chat.completions
        .create({ model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'bad [[sim:fault=malformed]]' }] })
        .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(err.status).toBe(502);
    });

    it('answers 504 upstream_timeout when the provider hangs past its timeout', async () => {
      const started = Date.now();
      const err = (await anthropic.messages
        .create({ model: 'anthropic/claude-opus-4-1', max_tokens: 5, messages: [{ role: 'user', content: 'hang [[sim:fault=hang]]' }] })
        .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
      expect(err.status).toBe(504);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('falls back to the next model and says which one answered', async () => {
      const { data, response } = await openai.chat.completions
        .create({
          model: 'openai/gpt-4.1-mini',
          messages: [{ role: 'user', content: 'fallback [[sim:fail_first=3;id=fb-1]]' }],
          fallbacks: ['anthropic/claude-sonnet-4'],
        } as any)
        .withResponse();
      expect(data.model).toBe('anthropic/claude-sonnet-4');
      expect((data as any).requested_model).toBe('openai/gpt-4.1-mini');
      const row = await logRow(response.headers.get('x-request-id')!);
      expect(row).toMatchObject({ provider: 'anthropic', model: 'claude-sonnet-4', requested_model: 'openai/gpt-4.1-mini', attempts: 4, status: 'success' });
    });

    it('records a stream cut mid-way as an error with the tokens seen', async () => {
      const stream = await openai.chat.completions.create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'cut [[sim:fault=cut;output_tokens=10]]' }],
        stream: true,
      });
      let id = '';
      const err = await (async () => {
        for await (const chunk of stream) id = chunk.id;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Error);
      const row = await logRow(id.replace('chatcmpl-', ''));
      expect(row).toMatchObject({ status: 'error', is_stream: true });
    });

    it('aborts the upstream call when the client disconnects, and records cancelled with the tokens seen', async () => {
      const controller = new AbortController();
      const res = await fetch(`${t.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'openai/gpt-4o-mini',
          stream: true,
          messages: [{ role: 'user', content: 'slow [[sim:output_tokens=50;chunk_delay_ms=100]]' }],
        }),
        signal: controller.signal,
      });
      const requestId = res.headers.get('x-request-id')!;
      const reader = res.body!.getReader();
      let received = '';
      expect(res.status).toBe(200);
      while (!received.includes('word2')) {
        const chunk = await reader.read();
        if (chunk.done) throw new Error(`stream ended early: ${received}`);
        received += new TextDecoder().decode(chunk.value);
      }
      controller.abort();
      await waitUntil(() => sim.requests.at(-1)?.aborted === true, 'the simulator saw the abort', { timeoutMs: 10_000 });
      const row = await pollUntil(
        () => logRow(requestId),
        (r) => r !== undefined,
        { timeoutMs: 10_000, intervalMs: 30 },
      );
      expect(row).toMatchObject({ status: 'cancelled', is_stream: true, error_code: 'client_closed_request' });
      expect(row.output_tokens).toBeGreaterThanOrEqual(2);
      expect(row.input_tokens).toBeGreaterThan(0);
    });
  });

  describe('LLMHub endpoints', () => {
    const post = (path: string, body: unknown) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'x-api-key': apiKey, 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('POST /api/v1/llm/generate answers the documented fields', async () => {
      const res = await post('/api/v1/llm/generate', { prompt: 'Write one line', model: 'claude/claude-haiku-4-5', max_tokens: 6 });
      expect(res.status).toBe(200);
      const body = (await res.json()) as Record<string, unknown>;
      expect(body).toMatchObject({
        provider: 'anthropic',
        model: 'anthropic/claude-haiku-4-5',
        content: 'word1 word2 word3 word4 word5 word6',
        output_tokens: 6,
        attempts: 1,
      });
      expect(body.request_id).toBe(res.headers.get('x-request-id'));
      expect(typeof body.cost_usd).toBe('string');
      expect(typeof body.generation_time_ms).toBe('number');
    });

    it('POST /api/v1/llm/generate-content runs each language with its own record', async () => {
      const res = await post('/api/v1/llm/generate-content', {
        prompt: 'A tagline for a bakery',
        languages: ['en', 'de', 'fr'],
        model: 'openai/gpt-4o-mini',
        max_tokens: 3,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        results: { language: string; request_id: string; error: unknown; cost_usd: string }[];
        totals: Record<string, unknown>;
      };
      expect(body.results.map((r) => r.language)).toEqual(['en', 'de', 'fr']);
      expect(new Set(body.results.map((r) => r.request_id)).size).toBe(3);
      expect(body.totals).toMatchObject({ succeeded: 3, failed: 0, output_tokens: 9 });
      for (const r of body.results) expect((await logRow(r.request_id)).status).toBe('success');
      const systems = sim.requests.map((r) => JSON.stringify(r.body.messages[0]));
      expect(systems.some((s) => s.includes('German'))).toBe(true);
    });

    it('POST /api/v1/llm/generate-content reports a failing language without failing the others', async () => {
      // the simulator fails only the request whose system prompt names German (after the router's retries)
      const res = await post('/api/v1/llm/generate-content', {
        prompt: 'A tagline for a bakery [[sim:fault=500;system_contains=language code de)]]',
        languages: ['en', 'de', 'fr'],
        model: 'openai/gpt-4o-mini',
        max_tokens: 3,
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        results: { language: string; request_id: string; content: string | null; error: { code: string } | null; cost_usd: string | null }[];
        totals: Record<string, unknown>;
      };
      const byLanguage = Object.fromEntries(body.results.map((r) => [r.language, r]));
      expect(byLanguage.de.error).toMatchObject({ code: 'upstream_error' });
      expect(byLanguage.de.content).toBeNull();
      for (const code of ['en', 'fr']) {
        expect(byLanguage[code].error).toBeNull();
        expect(byLanguage[code].content).toBe('word1 word2 word3');
      }
      expect(body.totals).toMatchObject({ succeeded: 2, failed: 1, output_tokens: 6 });
      expect((await logRow(byLanguage.de.request_id)).status).toBe('error');
      expect((await logRow(byLanguage.en.request_id)).status).toBe('success');
    });

    it("POST /api/v1/llm/generate-content answers 502 when every language failed, with each language's error, and records each language once", async () => {
      const res = await post('/api/v1/llm/generate-content', {
        prompt: 'A tagline [[sim:fault=500]]',
        languages: ['en', 'de'],
        model: 'openai/gpt-4o-mini',
        max_tokens: 3,
      });
      expect(res.status).toBe(502);
      const body = (await res.json()) as {
        error: { code: string; message: string; details: { field: string; code: string; message: string }[] };
        request_id: string;
      };
      expect(body.error.code).toBe('upstream_error');
      expect(body.error.message).toMatch(/^Every language failed \(2 of 2\)/);
      expect(body.error.details).toEqual([
        { field: 'languages.en', code: 'upstream_error', message: expect.stringContaining('openai/gpt-4o-mini failed after') },
        { field: 'languages.de', code: 'upstream_error', message: expect.stringContaining('openai/gpt-4o-mini failed after') },
      ]);
      const { rows } = await db.query(
        `SELECT metadata->>'language' AS language, status FROM llm_generation_log WHERE metadata->>'parent_request_id' = $1 ORDER BY 1`,
        [body.request_id],
      );
      expect(rows).toEqual([
        { language: 'de', status: 'error' },
        { language: 'en', status: 'error' },
      ]);
      expect(await logRow(body.request_id)).toBeUndefined();
    });

    it("POST /api/v1/llm/generate-content answers the failures' common status: 504 when every language timed out", async () => {
      const res = await post('/api/v1/llm/generate-content', {
        prompt: 'A tagline [[sim:fault=hang]]',
        languages: ['en', 'fr'],
        model: 'openai/gpt-4o-mini',
        max_tokens: 3,
      });
      expect(res.status).toBe(504);
      const body = (await res.json()) as { error: { code: string; details: { field: string; code: string }[] } };
      expect(body.error.code).toBe('upstream_timeout');
      expect(body.error.details.map((d) => [d.field, d.code])).toEqual([
        ['languages.en', 'upstream_timeout'],
        ['languages.fr', 'upstream_timeout'],
      ]);
    });

    it('POST /api/v1/llm/generate-content without languages says one thing: languages is required', async () => {
      const res = await post('/api/v1/llm/generate-content', { prompt: 'x', model: 'mock/echo' });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { details: unknown[] } };
      expect(body.error.details).toEqual([{ field: 'languages', message: 'languages is required' }]);
    });

    it('rejects an unknown language code with 422 naming it', async () => {
      const res = await post('/api/v1/llm/generate-content', { prompt: 'x', languages: ['en', 'zz-!!'], model: 'mock/echo' });
      expect(res.status).toBe(422);
    });

    it('images through the OpenAI SDK and the /api route', async () => {
      const images = await openai.images.generate({ model: 'openai/dall-e-3', prompt: 'a lighthouse', n: 1, size: '1024x1024' });
      expect(images.data).toHaveLength(1);
      const res = await post('/api/v1/images/generate', { prompt: 'a lighthouse', model: 'openai/dall-e-3' });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { images: unknown[]; cost_usd: string | null };
      expect(body.images).toHaveLength(1);
      expect(body.cost_usd).toBe(pricing.imageCost('openai/dall-e-3', { size: '1024x1024', quality: 'standard', n: 1 })?.toFixed() ?? null);
    });

    it('embeddings through the OpenAI SDK (base64 by default)', async () => {
      const res = await openai.embeddings.create({ model: 'openai/text-embedding-3-small', input: ['one two', 'three'] });
      expect(res.data).toHaveLength(2);
      expect(Array.isArray(res.data[0].embedding)).toBe(true);
      expect(res.usage.prompt_tokens).toBe(3);
    });

    it('GET /v1/models lists provider/model ids of the configured providers', async () => {
      const ids = [];
      for await (const model of openai.models.list()) ids.push(model.id);
      expect(ids).toEqual(
        expect.arrayContaining(['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4-5', 'groq/llama-3.3-70b-versatile', 'mock/echo', 'local/unpriced-model']),
      );
    });
  });

  // circuits are reset before each test, so this one cannot leak into others
  it('opens the circuit after repeated failures and then answers 503 without calling the provider', async () => {
    await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    for (let i = 0; i < 2; i++) {
      await openai.chat.completions
        .create({ model: 'groq/qwen/qwen3-32b', messages: [{ role: 'user', content: 'x [[sim:fault=503]]' }] })
        .catch(() => undefined);
    }
    sim.reset();
    const err = (await openai.chat.completions
      .create({ model: 'groq/qwen/qwen3-32b', messages: [{ role: 'user', content: 'fine now' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err.status).toBe(503);
    expect(sim.requests).toHaveLength(0);
    // the operator's alert: the open circuit is in /metrics, the others closed
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toContain('llmhub_provider_circuit_open{provider="groq",circuit="generation"} 1');
    expect(metrics).toMatch(/llmhub_provider_circuit_open\{provider="openai",circuit="generation"\} 0/);
  });
});
