import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { ContentFilterFinishReasonError } from 'openai/error';
import type { Client } from 'pg';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { SIM_REFUSAL } from '@test/support/provider-simulator/openai';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' } },
  required: ['name'],
  additionalProperties: false,
};
const PERSON_FORMAT = { type: 'json_schema' as const, json_schema: { name: 'person', schema: PERSON_SCHEMA, strict: true } };
/** The simulator's model declines (directives.ts). */
const REFUSE = 'Invent a person. [[sim:refusal=1]]';
const LOOKUP_TOOL = { name: 'lookup', input_schema: { type: 'object' as const, properties: { word: { type: 'string' } } } };

/**
 * What a call loses, or must not lose, on its way between one provider's wire format and another's:
 * a model's refusal, a failed tool's result, and the output cap of a call that sets none. The real
 * OpenAI and Anthropic SDKs against LLMHub, LLMHub's providers against the simulator.
 */
describe('translation between provider formats (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let db: Client;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'translation', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim, db } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(() => gateway?.close());

  beforeEach(() => gateway.resetBetweenTests());

  const upstream = (suffix: string) => sim.requests.filter((r) => r.path.endsWith(suffix));

  /** The call's usage record: what it was charged. */
  async function recordOf(requestId: unknown): Promise<{ status: string; output_tokens: number; cost_usd: string | null }> {
    const { rows } = await db.query('SELECT status, output_tokens, cost_usd FROM llm_generation_log WHERE id = $1', [requestId]);
    expect(rows).toHaveLength(1);
    return rows[0];
  }

  /** Recorded as any answered call: success, the tokens the provider reported, and their price. */
  async function expectChargedAsReported(requestId: unknown): Promise<void> {
    const reported = sim.requests.at(-1)!.usage!;
    expect(reported.output_tokens).toBeGreaterThan(0);
    const record = await recordOf(requestId);
    expect(record).toMatchObject({ status: 'success', output_tokens: reported.output_tokens });
    expect(Number(record.cost_usd)).toBeGreaterThan(0);
  }

  describe('a refusal from an OpenAI model', () => {
    it('chat.completions.parse() exposes message.refusal, with no content and nothing parsed', async () => {
      const completion = await openai.chat.completions.parse({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: REFUSE }],
        response_format: PERSON_FORMAT,
      });
      const choice = completion.choices[0];
      expect(choice.message).toMatchObject({ refusal: SIM_REFUSAL, content: null, parsed: null });
      expect(choice.finish_reason).toBe('stop');
      await expectChargedAsReported((completion as unknown as { request_id: string }).request_id);
    });

    it('streams as delta.refusal: the stream helper collects the refusal, not content', async () => {
      const stream = openai.chat.completions.stream({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: REFUSE }],
        response_format: PERSON_FORMAT,
      });
      const refusals: string[] = [];
      stream.on('refusal.delta', ({ delta }) => refusals.push(delta));
      const final = await stream.finalChatCompletion();
      expect(refusals.length).toBeGreaterThan(1);
      expect(refusals.join('')).toBe(SIM_REFUSAL);
      expect(final.choices[0].message.refusal).toBe(SIM_REFUSAL);
      expect(final.choices[0].message.content ?? '').toBe('');
      expect(final.choices[0].message.parsed).toBeNull();
      await expectChargedAsReported(final.id.replace('chatcmpl-', ''));
    });

    it('/v1/responses answers a refusal content part, streamed or not, and output_parsed is null', async () => {
      const params = {
        model: 'openai/gpt-4o-mini',
        input: REFUSE,
        text: { format: { type: 'json_schema' as const, name: 'person', schema: PERSON_SCHEMA, strict: true } },
      };
      const res = await openai.responses.parse(params);
      expect(res.status).toBe('completed');
      expect(res.output).toEqual([expect.objectContaining({ type: 'message', content: [{ type: 'refusal', refusal: SIM_REFUSAL }] })]);
      expect(res.output_parsed).toBeNull();
      expect(res.output_text).toBe('');
      await expectChargedAsReported((res as unknown as { request_id: string }).request_id);

      const stream = openai.responses.stream(params);
      const deltas: string[] = [];
      stream.on('response.refusal.delta', ({ delta }) => deltas.push(delta));
      const streamed = await stream.finalResponse();
      expect(deltas.join('')).toBe(SIM_REFUSAL);
      expect(streamed.output).toEqual([
        expect.objectContaining({ type: 'message', content: [expect.objectContaining({ type: 'refusal', refusal: SIM_REFUSAL })] }),
      ]);
      expect(streamed.output_parsed).toBeNull();
    });

    it("/v1/messages answers it as Claude's own: the words as text, stop_reason refusal, streamed or not", async () => {
      const params = { model: 'openai/gpt-4o-mini', max_tokens: 100, messages: [{ role: 'user' as const, content: REFUSE }] };
      const message = await anthropic.messages.create(params);
      expect(message.stop_reason).toBe('refusal');
      expect(message.content).toEqual([{ type: 'text', text: SIM_REFUSAL, citations: null }]);
      await expectChargedAsReported((message as unknown as { request_id: string }).request_id);

      const streamed = await anthropic.messages.stream(params).finalMessage();
      expect(streamed.stop_reason).toBe('refusal');
      expect(streamed.content).toEqual([expect.objectContaining({ type: 'text', text: SIM_REFUSAL })]);
    });
  });

  describe('a refusal from an Anthropic model (stop_reason refusal)', () => {
    const params = { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user' as const, content: REFUSE }] };

    it('answers an OpenAI client finish_reason content_filter, with the words written before it, charged as any call', async () => {
      const completion = await openai.chat.completions.create({ ...params, max_tokens: 5 });
      expect(completion.choices[0].finish_reason).toBe('content_filter');
      expect(completion.choices[0].message.content).toBe('word1 word2 word3 word4 word5');
      await expectChargedAsReported((completion as unknown as { request_id: string }).request_id);

      const chunks = await openai.chat.completions.create({ ...params, max_tokens: 5, stream: true });
      const finishes: (string | null)[] = [];
      for await (const chunk of chunks) for (const choice of chunk.choices) if (choice.finish_reason) finishes.push(choice.finish_reason);
      expect(finishes).toEqual(['content_filter']);
    });

    it("makes chat.completions.parse() raise the SDK's content-filter error rather than parse a cut answer", async () => {
      const err = await openai.chat.completions.parse({ ...params, response_format: PERSON_FORMAT }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ContentFilterFinishReasonError);
      // the SDK's error carries no response: the call's record is the newest
      const { rows } = await db.query('SELECT id FROM llm_generation_log ORDER BY created_at DESC LIMIT 1');
      await expectChargedAsReported(rows[0].id);
    });

    it('answers /v1/responses incomplete with reason content_filter, and /v1/messages stop_reason refusal', async () => {
      const res = await openai.responses.create({ model: params.model, input: REFUSE });
      expect(res.status).toBe('incomplete');
      expect(res.incomplete_details).toEqual({ reason: 'content_filter' });

      const message = await anthropic.messages.create({ ...params, max_tokens: 5 });
      expect(message.stop_reason).toBe('refusal');
      expect(message.content).toEqual([{ type: 'text', text: 'word1 word2 word3 word4 word5', citations: null }]);
    });
  });

  describe('a failed tool result (tool_result is_error)', () => {
    const turns = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({
      model,
      max_tokens: 5,
      tools: [LOOKUP_TOOL],
      messages: [
        { role: 'user', content: 'Look up "word"' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { word: 'word' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'dictionary unreachable', is_error: true }] },
      ],
    });

    it('reaches an OpenAI-shaped model as a tool message saying it failed', async () => {
      for (const model of ['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile']) await anthropic.messages.create(turns(model));
      for (const request of upstream('/chat/completions')) {
        expect(request.body.messages.at(-1)).toEqual({ role: 'tool', tool_call_id: 'toolu_1', content: 'Error: dictionary unreachable' });
      }
      expect(upstream('/chat/completions')).toHaveLength(2);
    });

    it('reaches an Anthropic model with its is_error flag, as sent', async () => {
      await anthropic.messages.create(turns('anthropic/claude-haiku-4-5'));
      expect(upstream('/messages')[0].body.messages.at(-1).content).toEqual([
        { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'dictionary unreachable' }], is_error: true },
      ]);
    });
  });

  describe('an OpenAI-format call to an Anthropic model without an output cap', () => {
    it("is sent with the model's own maximum output, not 1,024 tokens, streamed or not, from both OpenAI formats", async () => {
      const messages = [{ role: 'user' as const, content: 'Write at length.' }];
      await openai.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages });
      await openai.chat.completions.create({ model: 'anthropic/claude-3-5-haiku-latest', messages, stream: true }).then(async (s) => {
        for await (const _ of s);
      });
      await openai.responses.create({ model: 'anthropic/claude-opus-4-1', input: 'Write at length.' });
      await openai.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages, max_completion_tokens: 50 });
      expect(upstream('/messages').map((r) => r.body.max_tokens)).toEqual([64_000, 8_192, 32_000, 50]);
    });

    it('leaves a long prompt its room in the context window, which Anthropic checks prompt and max_tokens against', async () => {
      // 150,000 words: the simulator's tokens and about as many of LLMHub's; 64,000 more would not fit in 200,000
      const long = 'word '.repeat(150_000);
      const completion = await openai.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: long }] });
      expect(completion.choices[0].finish_reason).toBe('stop');
      const sent = upstream('/messages')[0].body.max_tokens;
      expect(sent).toBeGreaterThanOrEqual(1_024);
      expect(sent).toBeLessThanOrEqual(200_000 - 150_000);
    });

    it('is admitted against a budget as before: the reservation still assumes 1,024 output tokens when none is set', async () => {
      // 64,000 output tokens of claude-sonnet-4-5 would cost 0.96 USD; 1,024 of them cost about 0.015
      const { key } = await gateway.newClient({ monthly_budget_usd: '0.1' });
      const client = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: key, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] });
      expect(completion.choices[0].finish_reason).toBe('stop');
      expect(upstream('/messages')[0].body.max_tokens).toBe(64_000);
    });
  });
});
