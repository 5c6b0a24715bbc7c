import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import type { Client } from 'pg';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { SIM_REFUSAL } from '@test/support/provider-simulator/openai';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { TokensService } from '@src/llm/generation/tokens.service';
import { PricingService } from '@src/llm/pricing/pricing.service';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const LOOKUP_TOOL = { name: 'lookup', description: 'Looks a word up', input_schema: { type: 'object' as const, properties: { word: { type: 'string' } } } };

/*
 * Every field the SDK types a Message, its usage and a message_delta with (none of them optional): the compiler
 * fails here when an SDK update adds one, and the tests below check that LLMHub answers each.
 */
const MESSAGE_FIELDS: Record<keyof Anthropic.Message, true> = {
  id: true,
  type: true,
  role: true,
  model: true,
  content: true,
  stop_reason: true,
  stop_sequence: true,
  stop_details: true,
  container: true,
  diagnostics: true,
  usage: true,
};
const USAGE_FIELDS: Record<keyof Anthropic.Usage, true> = {
  input_tokens: true,
  output_tokens: true,
  cache_creation: true,
  cache_creation_input_tokens: true,
  cache_read_input_tokens: true,
  inference_geo: true,
  output_tokens_details: true,
  server_tool_use: true,
  service_tier: true,
  speed: true,
};
const DELTA_FIELDS: Record<keyof Anthropic.RawMessageDeltaEvent['delta'], true> = {
  stop_reason: true,
  stop_sequence: true,
  stop_details: true,
  container: true,
};
const DELTA_USAGE_FIELDS: Record<keyof Anthropic.MessageDeltaUsage, true> = {
  input_tokens: true,
  output_tokens: true,
  cache_creation_input_tokens: true,
  cache_read_input_tokens: true,
  output_tokens_details: true,
  server_tool_use: true,
};
const fieldsOf = (typed: Record<string, true>): string[] => Object.keys(typed);

/**
 * What an app written against the Anthropic SDK calls beyond messages.create:
 * count_tokens, the models list, and the fields it relies on reaching Anthropic.
 * The real SDK against LLMHub, LLMHub's providers against the simulator.
 */
describe('the Anthropic SDK against LLMHub (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let anthropic: Anthropic;
  let db: Client;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'anthropic-sdk', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim, db } = gateway);
    anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const logRows = async (): Promise<number> => Number((await db.query('SELECT count(*) AS n FROM llm_generation_log')).rows[0].n);

  describe('messages.countTokens', () => {
    it('asks Anthropic for an anthropic/ model, and records no call', async () => {
      const before = await logRows();
      const counted = await anthropic.messages.countTokens({
        model: 'anthropic/claude-haiku-4-5',
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'one two three four' }],
      });
      // the simulator counts words: 3 of system, 4 of the message
      expect(counted).toEqual({ input_tokens: 7 });
      const upstream = sim.requests.filter((r) => r.path === '/v1/messages/count_tokens');
      expect(upstream).toHaveLength(1);
      expect(upstream[0].body).toMatchObject({ model: 'claude-haiku-4-5', system: 'You are terse.' });
      expect(upstream[0].body).not.toHaveProperty('max_tokens');
      expect(await logRows()).toBe(before);
    });

    it('passes tools and cache breakpoints on to Anthropic’s count', async () => {
      await anthropic.messages.countTokens({
        model: 'anthropic/claude-haiku-4-5',
        system: [{ type: 'text', text: 'A long reference text.', cache_control: { type: 'ephemeral' } }],
        tools: [{ name: 'lookup', input_schema: { type: 'object', properties: {} } }],
        tool_choice: { type: 'auto', disable_parallel_tool_use: true },
        messages: [{ role: 'user', content: 'hi' }],
      });
      const body = sim.requests.find((r) => r.path === '/v1/messages/count_tokens')!.body;
      expect(body.system).toEqual([{ type: 'text', text: 'A long reference text.', cache_control: { type: 'ephemeral' } }]);
      expect(body.tools).toEqual([expect.objectContaining({ name: 'lookup' })]);
      expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    });

    it('counts with LLMHub’s own tokenizer for other providers, without calling them', async () => {
      const counted = await anthropic.messages.countTokens({
        model: 'openai/gpt-4o-mini',
        system: 'You are terse.',
        messages: [{ role: 'user', content: 'How many tokens is this sentence?' }],
      });
      const expected = t.app.get(TokensService).countMessages('You are terse.', [{ role: 'user', content: 'How many tokens is this sentence?' }]);
      expect(counted.input_tokens).toBe(expected);
      expect(sim.requests).toHaveLength(0);
    });

    it('refuses a model outside the key’s allow-list with PermissionDeniedError', async () => {
      const { key } = await gateway.newClient({ allowed_models: ['openai/gpt-4o-mini'] });
      const narrow = new Anthropic({ baseURL: t.url, apiKey: key, maxRetries: 0 });
      const err = await narrow.messages
        .countTokens({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { type: 'permission_error', code: 'model_not_allowed' },
      });
      expect(sim.requests).toHaveLength(0);
    });

    it('keeps a flood of counts Anthropic refuses from cutting off every client’s messages', async () => {
      // Anthropic limits token counting apart from messages: its 429s say nothing about messages
      for (let i = 0; i < 8; i++) {
        const err = await anthropic.messages
          .countTokens({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hi [[sim:fault=429;retry_after=0]]' }] })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(Anthropic.APIError);
      }
      const refused = sim.requests.filter((r) => r.path === '/v1/messages/count_tokens').length;
      // the count's own circuit opened after a few: the rest were answered without calling Anthropic
      expect(refused).toBeLessThan(8);

      const { key } = await gateway.newClient();
      const other = new Anthropic({ baseURL: t.url, apiKey: key, maxRetries: 0 });
      const message = await other.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] });
      expect(message.content[0]).toMatchObject({ type: 'text' });
    });

    it('answers a bad body with BadRequestError naming the field, in Anthropic’s error shape', async () => {
      const err = await anthropic.messages
        .countTokens({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: [{ type: 'text', text: 1 as unknown as string }] }] })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', code: 'validation_error', details: [{ field: 'messages[0].content[0].text' }] },
      });
    });
  });

  describe('request ids', () => {
    it('gives a message, an error and a stream the request id Anthropic’s SDK reads, the id of the call’s record', async () => {
      const message = await anthropic.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
      expect(message._request_id).toMatch(/^[0-9a-f-]{36}$/);
      expect((await db.query('SELECT status FROM llm_generation_log WHERE id = $1', [message._request_id])).rows).toEqual([{ status: 'success' }]);

      const refused = await anthropic.messages
        .create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 0, messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e as InstanceType<typeof Anthropic.APIError>);
      expect(refused).toBeInstanceOf(Anthropic.BadRequestError);
      expect((refused as InstanceType<typeof Anthropic.APIError>).requestID).toBe(
        (refused as InstanceType<typeof Anthropic.APIError>).headers?.get('x-request-id'),
      );
      expect((refused as InstanceType<typeof Anthropic.APIError>).requestID).toMatch(/^[0-9a-f-]{36}$/);

      const { data: stream, response } = await anthropic.messages
        .stream({ model: 'anthropic/claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
        .withResponse();
      expect(response.headers.get('request-id')).toBe(response.headers.get('x-request-id'));
      await stream.finalMessage();
    });
  });

  describe('the Message as the SDK types it', () => {
    const REFUSE = 'Invent a person. [[sim:refusal=1]]';

    /** A streamed call's raw events: message_start's message and message_delta. */
    async function streamed(params: Anthropic.MessageCreateParamsNonStreaming): Promise<{ start: Anthropic.Message; delta: Anthropic.RawMessageDeltaEvent }> {
      const events: Anthropic.RawMessageStreamEvent[] = [];
      for await (const event of await anthropic.messages.create({ ...params, stream: true })) events.push(event);
      const start = events.find((e): e is Anthropic.RawMessageStartEvent => e.type === 'message_start')!.message;
      const delta = events.find((e): e is Anthropic.RawMessageDeltaEvent => e.type === 'message_delta')!;
      return { start, delta };
    }

    it('answers every field of a Message, its usage and its blocks, with what Anthropic sends for a plain call', async () => {
      const params = { model: 'anthropic/claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };
      const message = await anthropic.messages.create(params);
      expect(Object.keys(message)).toEqual(expect.arrayContaining(fieldsOf(MESSAGE_FIELDS)));
      expect(Object.keys(message.usage)).toEqual(expect.arrayContaining(fieldsOf(USAGE_FIELDS)));
      expect(message).toMatchObject({ stop_reason: 'end_turn', stop_details: null, container: null, diagnostics: null });
      expect(message.usage).toMatchObject({
        output_tokens_details: null,
        server_tool_use: null,
        service_tier: 'standard',
        speed: 'standard',
        inference_geo: null,
      });
      expect(message.content).toEqual([{ type: 'text', text: expect.any(String), citations: null }]);

      const { start, delta } = await streamed(params);
      expect(Object.keys(start)).toEqual(expect.arrayContaining(fieldsOf(MESSAGE_FIELDS)));
      expect(Object.keys(start.usage)).toEqual(expect.arrayContaining(fieldsOf(USAGE_FIELDS)));
      expect(start).toMatchObject({ stop_reason: null, stop_details: null, container: null, diagnostics: null });
      expect(Object.keys(delta.delta)).toEqual(expect.arrayContaining(fieldsOf(DELTA_FIELDS)));
      expect(Object.keys(delta.usage)).toEqual(expect.arrayContaining(fieldsOf(DELTA_USAGE_FIELDS)));
      expect(delta.delta).toEqual({ stop_reason: 'end_turn', stop_sequence: null, stop_details: null, container: null });

      const final = await anthropic.messages.stream(params).finalMessage();
      expect(final).toMatchObject({ stop_details: null, container: null, diagnostics: null });
      expect(final.content).toEqual([{ type: 'text', text: message.content[0].type === 'text' ? message.content[0].text : '', citations: null }]);
    });

    it('answers a tool_use block with its caller, streamed or not', async () => {
      const params = {
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 16,
        tools: [LOOKUP_TOOL],
        tool_choice: { type: 'tool' as const, name: 'lookup' },
        messages: [{ role: 'user' as const, content: 'look up hi' }],
      };
      const message = await anthropic.messages.create(params);
      expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'lookup', caller: { type: 'direct' } })]);
      const final = await anthropic.messages.stream(params).finalMessage();
      expect(final.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'lookup', caller: { type: 'direct' } })]);
    });

    it('answers Claude’s parallel tool_use blocks each in its own block, streamed as unstreamed, and records the call once', async () => {
      const spell = { name: 'spell', input_schema: { type: 'object' as const, properties: { word: { type: 'string' } }, required: ['word'] } };
      const params = {
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 16,
        tools: [LOOKUP_TOOL, spell],
        tool_choice: { type: 'any' as const },
        messages: [{ role: 'user' as const, content: 'spell and look up hi [[sim:tool=spell,lookup]]' }],
      };
      const expected = [
        expect.objectContaining({ type: 'tool_use', id: expect.stringMatching(/_0$/), name: 'spell', input: { word: '' } }),
        expect.objectContaining({ type: 'tool_use', id: expect.stringMatching(/_1$/), name: 'lookup', input: {} }),
      ];
      const message = await anthropic.messages.create(params);
      expect(message).toMatchObject({ stop_reason: 'tool_use', content: expected });
      const before = await logRows();
      const final = await anthropic.messages.stream(params).finalMessage();
      expect(final).toMatchObject({ stop_reason: 'tool_use', content: expected });
      expect(await logRows()).toBe(before + 1);
    });

    it.each([
      ['anthropic/claude-haiku-4-5', '/v1/messages'],
      ['openai/gpt-4o-mini', '/v1/chat/completions'],
    ])('%s: takes its own answers back as the conversation (text with citations null, tool_use with its caller)', async (model, upstreamPath) => {
      const hello: Anthropic.MessageParam = { role: 'user', content: 'hi' };
      const first = await anthropic.messages.create({ model, max_tokens: 16, messages: [hello] });
      const asked: Anthropic.MessageParam[] = [hello, { role: 'assistant', content: first.content }, { role: 'user', content: 'look up hi' }];
      const second = await anthropic.messages
        .stream({ model, max_tokens: 16, tools: [LOOKUP_TOOL], tool_choice: { type: 'tool', name: 'lookup' }, messages: asked })
        .finalMessage();
      const [call] = second.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      expect(call.caller).toEqual({ type: 'direct' });

      sim.reset();
      const third = await anthropic.messages.create({
        model,
        max_tokens: 16,
        tools: [LOOKUP_TOOL],
        messages: [
          ...asked,
          { role: 'assistant', content: second.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'a greeting' }] },
        ],
      });
      expect(third.type).toBe('message');
      // both answers reach the provider as the conversation's assistant turns
      const sent = JSON.stringify(sim.requests.find((r) => r.path === upstreamPath)!.body);
      expect(sent).toContain(JSON.stringify((first.content[0] as Anthropic.TextBlock).text));
      expect(sent).toContain(call.id);
      expect(sent).toContain('a greeting');
    });

    /** The refusal's stop_details in the Message, the raw message_delta and the SDK's finalMessage(). */
    async function expectRefusalDetails(params: Anthropic.MessageCreateParamsNonStreaming, details: object): Promise<void> {
      const message = await anthropic.messages.create(params);
      expect(message).toMatchObject({ stop_reason: 'refusal', stop_details: details });

      const { delta } = await streamed(params);
      expect(delta.delta).toMatchObject({ stop_reason: 'refusal', stop_details: details });
      const final = await anthropic.messages.stream(params).finalMessage();
      expect(final).toMatchObject({ stop_reason: 'refusal', stop_details: details });
    }

    it('passes on the stop_details of Claude’s refusal, streamed or not', async () => {
      const params = { model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user' as const, content: REFUSE }] };
      // the simulator's Claude refuses as Anthropic describes a refusal
      const details = { type: 'refusal', category: 'cyber', explanation: 'The request could enable cyber harm.' };
      await expectRefusalDetails(params, details);
    });

    it('describes an OpenAI model’s refusal as one of no named category, explained in its words, streamed or not', async () => {
      const params = { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user' as const, content: REFUSE }] };
      const details = { type: 'refusal', category: null, explanation: SIM_REFUSAL };
      await expectRefusalDetails(params, details);
    });
  });

  describe('fields that reach the provider', () => {
    const upstreamBody = (path = '/v1/messages'): any => sim.requests.find((r) => r.path === path)!.body;

    it('cache_control on the request, system blocks, content blocks and tools reaches Anthropic as sent', async () => {
      await anthropic.messages.create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 5,
        cache_control: { type: 'ephemeral' },
        system: [
          { type: 'text', text: 'You are a librarian.' },
          { type: 'text', text: 'Here is the whole catalogue.', cache_control: { type: 'ephemeral', ttl: '1h' } },
        ],
        tools: [{ ...LOOKUP_TOOL, cache_control: { type: 'ephemeral' } }],
        messages: [{ role: 'user', content: [{ type: 'text', text: 'Find me a book.', cache_control: { type: 'ephemeral' } }] }],
      });
      const body = upstreamBody();
      expect(body.cache_control).toEqual({ type: 'ephemeral' });
      expect(body.system).toEqual([
        { type: 'text', text: 'You are a librarian.' },
        { type: 'text', text: 'Here is the whole catalogue.', cache_control: { type: 'ephemeral', ttl: '1h' } },
      ]);
      expect(body.tools[0].cache_control).toEqual({ type: 'ephemeral' });
      expect(body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Find me a book.', cache_control: { type: 'ephemeral' } }] }]);
    });

    it('reports the cache writes and reads Anthropic counts, and prices them at the cache rates', async () => {
      const pricing = t.app.get(PricingService);
      const ask = () =>
        anthropic.messages
          .create({
            model: 'anthropic/claude-haiku-4-5',
            max_tokens: 4,
            system: [{ type: 'text', text: 'one two three four five six seven eight nine ten', cache_control: { type: 'ephemeral' } }],
            messages: [{ role: 'user', content: 'hello there' }],
          })
          .withResponse();
      const first = await ask();
      // the simulator writes the 10 system words to its cache on the first call and reads them on the second
      expect(first.data.usage).toMatchObject({ input_tokens: 2, cache_creation_input_tokens: 10, cache_read_input_tokens: 0, output_tokens: 4 });
      const written = pricing.costUsd('anthropic/claude-haiku-4-5', { inputTokens: 12, cacheWriteTokens: 10, outputTokens: 4 });
      expect(first.response.headers.get('x-llmhub-cost-usd')).toBe(written);
      expect(written).toBe('0.0000345'); // 2 × $1 + 10 × $1.25 + 4 × $5 per 1M

      const second = await ask();
      expect(second.data.usage).toMatchObject({ input_tokens: 2, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 4 });
      expect(second.response.headers.get('x-llmhub-cost-usd')).toBe('0.000023'); // 2 × $1 + 10 × $0.10 + 4 × $5 per 1M
      const { rows } = await db.query('SELECT input_tokens, cost_usd FROM llm_generation_log WHERE id = $1', [
        (second.data as unknown as { request_id: string }).request_id,
      ]);
      expect(rows[0]).toMatchObject({ input_tokens: 12, cost_usd: '0.0000230000' });
    });

    it('bills a 1-hour cache write at the 1-hour rate, and reports the writes by TTL', async () => {
      const created = await anthropic.messages
        .create({
          model: 'anthropic/claude-haiku-4-5',
          max_tokens: 4,
          system: [{ type: 'text', text: 'one two three four five six seven eight nine ten', cache_control: { type: 'ephemeral', ttl: '1h' } }],
          messages: [{ role: 'user', content: 'hello there' }],
        })
        .withResponse();
      expect(created.data.usage).toMatchObject({
        input_tokens: 2,
        cache_creation_input_tokens: 10,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 10 },
        output_tokens: 4,
      });
      // 2 × $1 + 10 × $2 (1-hour write, 2× input) + 4 × $5 per 1M; at the 5-minute $1.25 it would be 0.0000345
      expect(created.response.headers.get('x-llmhub-cost-usd')).toBe('0.000042');
      const { rows } = await db.query('SELECT input_tokens, cost_usd FROM llm_generation_log WHERE id = $1', [
        (created.data as unknown as { request_id: string }).request_id,
      ]);
      expect(rows[0]).toMatchObject({ input_tokens: 12, cost_usd: '0.0000420000' });
    });

    it('bills a streamed 1-hour cache write at the 1-hour rate', async () => {
      const { data: stream, response } = await anthropic.messages
        .create({
          model: 'anthropic/claude-sonnet-4-5',
          max_tokens: 3,
          stream: true,
          system: [{ type: 'text', text: 'alpha beta gamma delta', cache_control: { type: 'ephemeral', ttl: '1h' } }],
          messages: [{ role: 'user', content: 'stream it' }],
        })
        .withResponse();
      let usage: Record<string, unknown> = {};
      for await (const event of stream) if (event.type === 'message_delta') usage = event.usage as unknown as Record<string, unknown>;
      // 2 × $3 + 4 × $6 (1-hour write) + 3 × $15 per 1M; at the 5-minute $3.75 it would be 0.000066
      expect(usage).toMatchObject({
        input_tokens: 2,
        cache_creation_input_tokens: 4,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 4 },
        cost_usd: '0.000075',
      });
      const { rows } = await db.query('SELECT input_tokens, cost_usd, is_stream FROM llm_generation_log WHERE id = $1', [response.headers.get('x-request-id')]);
      expect(rows[0]).toMatchObject({ input_tokens: 6, cost_usd: '0.0000750000', is_stream: true });
    });

    it('streams the cache usage in the final message too', async () => {
      const params = {
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 3,
        system: [{ type: 'text' as const, text: 'alpha beta gamma', cache_control: { type: 'ephemeral' as const } }],
        messages: [{ role: 'user' as const, content: 'stream it' }],
      };
      await anthropic.messages.create(params);
      const final = await anthropic.messages.stream(params).finalMessage();
      expect(final.usage).toMatchObject({ input_tokens: 2, cache_read_input_tokens: 3, output_tokens: 3 });
    });

    it('an image inside a tool_result reaches Anthropic as an image', async () => {
      await anthropic.messages.create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 5,
        tools: [LOOKUP_TOOL],
        messages: [
          { role: 'user', content: 'Take a screenshot' },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { word: 'screen' } }] },
          {
            role: 'user',
            content: [
              {
                type: 'tool_result',
                tool_use_id: 'toolu_1',
                content: [
                  { type: 'text', text: 'Here it is' },
                  { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
                ],
              },
            ],
          },
        ],
      });
      expect(upstreamBody().messages[2].content[0]).toEqual({
        type: 'tool_result',
        tool_use_id: 'toolu_1',
        content: [
          { type: 'text', text: 'Here it is' },
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
        ],
      });
    });

    it('an image inside a tool_result for an OpenAI-shaped model is a 400 naming messages, not dropped; text reaches it as a tool message', async () => {
      const turns = (result: Anthropic.ToolResultBlockParam['content']): Anthropic.MessageParam[] => [
        { role: 'user', content: 'Take a screenshot' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { word: 'screen' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: result }] },
      ];
      const withImage = turns([
        { type: 'text', text: 'Here it is' },
        { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } },
      ]);
      for (const model of ['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile']) {
        for (const stream of [false, true]) {
          const err = (await anthropic.messages
            .create({ model, max_tokens: 5, tools: [LOOKUP_TOOL], messages: withImage, stream })
            .catch((e: unknown) => e)) as InstanceType<typeof Anthropic.APIError>;
          expect(err).toBeInstanceOf(Anthropic.BadRequestError);
          expect(err.error).toMatchObject({
            type: 'error',
            error: {
              type: 'invalid_request_error',
              code: 'validation_error',
              message: expect.stringContaining(`an image in a tool result is not supported by ${model.split('/')[0]} models`),
              details: [{ field: 'messages', message: expect.stringContaining('supported by anthropic models') }],
            },
          });
        }
      }
      expect(sim.requests).toHaveLength(0);

      const answered = await anthropic.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 5,
        tools: [LOOKUP_TOOL],
        messages: turns([{ type: 'text', text: 'Here it is' }]),
      });
      expect(answered.type).toBe('message');
      expect(upstreamBody('/v1/chat/completions').messages.slice(1)).toEqual([
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"word":"screen"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'Here it is' },
      ]);
    });

    it('disable_parallel_tool_use reaches Anthropic, and OpenAI-shaped providers as parallel_tool_calls false', async () => {
      const params = {
        max_tokens: 5,
        tools: [LOOKUP_TOOL],
        tool_choice: { type: 'any' as const, disable_parallel_tool_use: true },
        messages: [{ role: 'user' as const, content: 'Look up "book"' }],
      };
      await anthropic.messages.create({ ...params, model: 'anthropic/claude-haiku-4-5' });
      expect(upstreamBody().tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
      sim.reset();
      await anthropic.messages.create({ ...params, model: 'openai/gpt-4o-mini' });
      expect(upstreamBody('/v1/chat/completions')).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false });
    });

    it('system blocks with cache breakpoints reach an OpenAI-shaped provider as the same one system text', async () => {
      await anthropic.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 5,
        system: [
          { type: 'text', text: 'First.' },
          { type: 'text', text: 'Second.', cache_control: { type: 'ephemeral' } },
        ],
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(upstreamBody('/v1/chat/completions').messages).toEqual([
        { role: 'system', content: 'First.\n\nSecond.' },
        { role: 'user', content: 'hi' },
      ]);
    });

    it('the OpenAI SDK’s parallel_tool_calls false reaches Anthropic as disable_parallel_tool_use', async () => {
      const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
      await openai.chat.completions.create({
        model: 'anthropic/claude-haiku-4-5',
        messages: [{ role: 'user', content: 'Look up "book"' }],
        tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
        parallel_tool_calls: false,
      });
      expect(upstreamBody().tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    });

    it('refuses a malformed cache_control naming it', async () => {
      const err = await anthropic.messages
        .create({
          model: 'anthropic/claude-haiku-4-5',
          max_tokens: 5,
          system: [{ type: 'text', text: 'x', cache_control: { type: 'persistent' } as unknown as Anthropic.CacheControlEphemeral }],
          messages: [{ role: 'user', content: 'hi' }],
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ error: { details: [{ field: 'system[0].cache_control' }] } });
    });
  });

  describe('tool use and usage on an OpenAI-shaped model', () => {
    const SPELL_TOOL = {
      name: 'spell',
      description: 'Spells a word',
      input_schema: { type: 'object' as const, properties: { word: { type: 'string' } }, required: ['word'] },
    };
    const ask = (directive: string): Anthropic.MessageParam[] => [{ role: 'user', content: `Look these two words up please [[sim:${directive}]]` }];
    const upstreamBody = (path: string): any => sim.requests.find((r) => r.path === path)!.body;

    it('answers parallel tool calls as tool_use blocks, streamed or not, and sends their results back under the same ids', async () => {
      const params = {
        model: 'openai/gpt-4o-mini',
        max_tokens: 20,
        tools: [LOOKUP_TOOL, SPELL_TOOL],
        tool_choice: { type: 'any' as const },
        messages: ask('tool=spell,lookup'),
      };
      const created = await anthropic.messages.create(params);
      const id = (i: number) => expect.stringMatching(new RegExp(`^call_sim\\d+_${i}$`));
      expect(created).toMatchObject({
        stop_reason: 'tool_use',
        content: [
          { type: 'tool_use', id: id(0), name: 'spell', input: { word: '' } },
          { type: 'tool_use', id: id(1), name: 'lookup', input: {} },
        ],
      });
      expect(upstreamBody('/v1/chat/completions')).toMatchObject({ tool_choice: 'required' });

      const stream = anthropic.messages.stream(params);
      const starts: unknown[] = [];
      stream.on('streamEvent', (event) => {
        if (event.type === 'content_block_start') starts.push(event.content_block);
      });
      const streamed = await stream.finalMessage();
      expect(streamed).toMatchObject({ stop_reason: 'tool_use', content: created.content.map((b) => ({ ...b, id: expect.any(String) })) });
      expect(starts).toEqual([expect.objectContaining({ type: 'tool_use', name: 'spell' }), expect.objectContaining({ type: 'tool_use', name: 'lookup' })]);

      sim.reset();
      const [spell, lookup] = streamed.content as Anthropic.ToolUseBlock[];
      const answer = await anthropic.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 3,
        tools: [LOOKUP_TOOL, SPELL_TOOL],
        messages: [
          ...params.messages,
          { role: 'assistant', content: streamed.content as Anthropic.ContentBlockParam[] },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: spell.id, content: 'W-O-R-D' },
              { type: 'tool_result', tool_use_id: lookup.id, content: [{ type: 'text', text: 'a unit of language' }] },
            ],
          },
        ],
      });
      expect(answer).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'word1 word2 word3' }] });
      expect(upstreamBody('/v1/chat/completions').messages.slice(1)).toEqual([
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: spell.id, type: 'function', function: { name: 'spell', arguments: '{"word":""}' } },
            { id: lookup.id, type: 'function', function: { name: 'lookup', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: spell.id, content: 'W-O-R-D' },
        { role: 'tool', tool_call_id: lookup.id, content: 'a unit of language' },
      ]);
    });

    it('a named tool choice reaches OpenAI as a named function and comes back as that tool’s call', async () => {
      const message = await anthropic.messages.create({
        model: 'openai/gpt-4o-mini',
        max_tokens: 20,
        tools: [LOOKUP_TOOL, SPELL_TOOL],
        tool_choice: { type: 'tool', name: 'spell' },
        messages: ask('output_tokens=2'),
      });
      expect(upstreamBody('/v1/chat/completions').tool_choice).toEqual({ type: 'function', function: { name: 'spell' } });
      expect(message).toMatchObject({ stop_reason: 'tool_use', content: [{ type: 'tool_use', name: 'spell', input: { word: '' } }] });
    });

    it('reports the cache reads an OpenAI model counts in Anthropic’s terms, and bills them at the cached rate', async () => {
      const params = { model: 'openai/gpt-4o-mini', max_tokens: 4, messages: ask('cached_tokens=4;reasoning_tokens=3') };
      const created = await anthropic.messages.create(params).withResponse();
      // 6 prompt words, 4 of them cached: 2 × $0.15 + 4 × $0.075 + 4 × $0.60 per 1M (all six at $0.15 would be 0.0000033)
      expect(sim.requests.at(-1)!.usage).toEqual({ input_tokens: 6, output_tokens: 4 });
      expect(created.data.usage).toMatchObject({ input_tokens: 2, cache_read_input_tokens: 4, cache_creation_input_tokens: 0, output_tokens: 4 });
      expect(created.response.headers.get('x-llmhub-cost-usd')).toBe('0.000003');
      const { rows } = await db.query('SELECT input_tokens, output_tokens, cached_input_tokens, cost_usd FROM llm_generation_log WHERE id = $1', [
        created.response.headers.get('x-request-id'),
      ]);
      expect(rows[0]).toEqual({ input_tokens: 6, output_tokens: 4, cached_input_tokens: 4, cost_usd: '0.0000030000' });

      const streamed = await anthropic.messages.stream(params).finalMessage();
      expect(streamed.usage).toMatchObject({ input_tokens: 2, cache_read_input_tokens: 4, output_tokens: 4 });

      // the OpenAI SDK reads the same call in OpenAI's terms: the cached and reasoning tokens as parts of the totals
      const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
      const chunks = await openai.chat.completions.create({
        model: params.model,
        max_tokens: params.max_tokens,
        messages: [{ role: 'user', content: params.messages[0].content as string }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let usage: OpenAI.CompletionUsage | undefined;
      for await (const chunk of chunks) usage = chunk.usage ?? usage;
      expect(usage).toMatchObject({
        prompt_tokens: 6,
        completion_tokens: 4,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 3 },
        cost_usd: '0.000003',
      });
    });
  });

  describe('models', () => {
    it('models.list pages through the models the key may use, in Anthropic’s shape', async () => {
      const openaiIds = (await (await fetch(`${t.url}/v1/models`, { headers: { authorization: `Bearer ${gateway.apiKey}` } })).json()).data.map(
        (m: { id: string }) => m.id,
      );
      const first = await anthropic.models.list({ limit: 2 });
      expect(first.data).toHaveLength(2);
      expect(first.data[0]).toMatchObject({ type: 'model', id: openaiIds[0], display_name: openaiIds[0], created_at: '2023-11-14T22:13:20Z' });
      expect(first).toMatchObject({ has_more: true, first_id: openaiIds[0], last_id: openaiIds[1] });
      const all: string[] = [];
      for await (const model of anthropic.models.list({ limit: 3 })) all.push(model.id);
      expect(all).toEqual(openaiIds);
      const back = await anthropic.models.list({ before_id: openaiIds[3], limit: 2 });
      expect(back.data.map((m) => m.id)).toEqual([openaiIds[1], openaiIds[2]]);
      expect(back.has_more).toBe(true);
    });

    it('models.retrieve answers one ModelInfo, and NotFoundError (not_found_error) for a model the key may not use', async () => {
      await expect(anthropic.models.retrieve('anthropic/claude-haiku-4-5')).resolves.toMatchObject({
        type: 'model',
        id: 'anthropic/claude-haiku-4-5',
        display_name: 'anthropic/claude-haiku-4-5',
        created_at: '2023-11-14T22:13:20Z',
      });
      const { key } = await gateway.newClient({ allowed_models: ['openai/gpt-4o-mini'] });
      const narrow = new Anthropic({ baseURL: t.url, apiKey: key, maxRetries: 0 });
      const err = await narrow.models.retrieve('anthropic/claude-haiku-4-5').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.NotFoundError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({ type: 'error', error: { type: 'not_found_error', code: 'not_found' } });
      const page = await narrow.models.list();
      expect(page.data.map((m) => m.id)).toEqual(['openai/gpt-4o-mini']);
      expect(page).toMatchObject({ has_more: false, first_id: 'openai/gpt-4o-mini', last_id: 'openai/gpt-4o-mini' });
    });

    it('gives a Claude model its context window and largest max_tokens, and null where LLMHub does not know them', async () => {
      await expect(anthropic.models.retrieve('anthropic/claude-haiku-4-5')).resolves.toMatchObject({ max_input_tokens: 200_000, max_tokens: 64_000 });
      await expect(anthropic.models.retrieve('anthropic/claude-opus-4-1')).resolves.toMatchObject({ max_input_tokens: 200_000, max_tokens: 32_000 });
      await expect(anthropic.models.retrieve('anthropic/claude-3-5-haiku-latest')).resolves.toMatchObject({ max_input_tokens: 200_000, max_tokens: 8_192 });
      await expect(anthropic.models.retrieve('openai/gpt-4o-mini')).resolves.toMatchObject({ max_input_tokens: null, max_tokens: null });

      const listed = [];
      for await (const model of anthropic.models.list()) listed.push(model);
      const claude = listed.filter((m) => m.id.startsWith('anthropic/'));
      expect(claude.length).toBeGreaterThan(0);
      for (const model of claude) expect(model).toMatchObject({ max_input_tokens: 200_000, max_tokens: expect.any(Number) });
      expect(listed.find((m) => m.id === 'anthropic/claude-sonnet-4-5')).toMatchObject({ max_tokens: 64_000 });
    });

    it('refuses bad paging values with a 400 naming them', async () => {
      const err = await anthropic.models.list({ limit: 0, after_id: 'nope/model' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Anthropic.BadRequestError);
      expect((err as InstanceType<typeof Anthropic.APIError>).error).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', details: [{ field: 'limit' }, { field: 'after_id' }] },
      });
    });
  });
});
