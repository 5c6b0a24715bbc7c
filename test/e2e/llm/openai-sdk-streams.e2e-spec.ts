import OpenAI from 'openai';
import type { Client } from 'pg';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

type UsageWithCost = OpenAI.CompletionUsage & { cost_usd: string | null };

const LOOKUP = { type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: {} } } };
const SPELL = {
  type: 'function' as const,
  function: { name: 'spell', parameters: { type: 'object', properties: { word: { type: 'string' } }, required: ['word'] } },
};

/**
 * What the OpenAI SDK's stream helpers and defaults rely on, checked against the call's record:
 * the include_usage chunk, parallel tool calls assembled from their deltas, base64 embeddings.
 */
describe('the OpenAI SDK’s streams and defaults against LLMHub (e2e)', () => {
  let gateway: GatewayFixture;
  let openai: OpenAI;
  let db: Client;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'openai-sdk-streams', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    db = gateway.db;
    openai = new OpenAI({ baseURL: `${gateway.app.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(() => gateway?.close());

  beforeEach(() => gateway.resetBetweenTests());

  type Row = { status: string; is_stream: boolean; input_tokens: number; output_tokens: number; cost_usd: string | null };
  // trim_scale: the column keeps 10 decimals, the answer the shortest exact spelling
  const logRow = async (id: string): Promise<Row | undefined> =>
    (
      await db.query<Row>(
        'SELECT status, is_stream, input_tokens, output_tokens, trim_scale(cost_usd)::text AS cost_usd FROM llm_generation_log WHERE id = $1',
        [id],
      )
    ).rows[0];

  it.each(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'groq/llama-3.3-70b-versatile'])(
    'ends a %s stream with the include_usage chunk, no choices, whose tokens and cost are the record’s to the last digit',
    async (model) => {
      const stream = await openai.chat.completions.create({
        model,
        messages: [{ role: 'user', content: 'Count for me please' }],
        max_tokens: 4,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: OpenAI.ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const last = chunks.at(-1)!;
      expect(last.choices).toEqual([]);
      expect(chunks.slice(0, -1).every((c) => c.usage == null)).toBe(true);
      const usage = last.usage as UsageWithCost;
      expect(usage.cost_usd).toMatch(/^\d+\.\d+$/);
      expect(await logRow(last.id.replace('chatcmpl-', ''))).toEqual({
        status: 'success',
        is_stream: true,
        input_tokens: usage.prompt_tokens,
        output_tokens: usage.completion_tokens,
        cost_usd: usage.cost_usd,
      });
    },
  );

  it.each(['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'groq/llama-3.3-70b-versatile'])(
    'assembles two parallel tool calls on %s from their streamed deltas, as the same call answers unstreamed, and records it',
    async (model) => {
      const params = {
        model,
        tools: [LOOKUP, SPELL],
        tool_choice: 'required' as const,
        messages: [{ role: 'user' as const, content: 'Spell and look up [[sim:tool=spell,lookup]]' }],
      };
      const plain = await openai.chat.completions.create(params);
      const stream = openai.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
      const done: string[] = [];
      stream.on('tool_calls.function.arguments.done', (event) => done.push(event.name));
      const final = await stream.finalChatCompletion();

      const calls = (c: OpenAI.ChatCompletion) =>
        c.choices[0].message.tool_calls!.map((t) => (t.type === 'function' ? { name: t.function.name, arguments: t.function.arguments } : t));
      expect(final.choices[0].finish_reason).toBe('tool_calls');
      expect(calls(final)).toEqual([
        { name: 'spell', arguments: '{"word":""}' },
        { name: 'lookup', arguments: '{}' },
      ]);
      expect(calls(final)).toEqual(calls(plain));
      const ids = final.choices[0].message.tool_calls!.map((t) => t.id);
      expect(new Set(ids).size).toBe(2);
      expect(done).toEqual(['spell', 'lookup']);

      const usage = final.usage as UsageWithCost;
      expect(usage).toMatchObject({ prompt_tokens: plain.usage!.prompt_tokens, completion_tokens: plain.usage!.completion_tokens });
      expect(await logRow(final.id.replace('chatcmpl-', ''))).toEqual({
        status: 'success',
        is_stream: true,
        input_tokens: usage.prompt_tokens,
        output_tokens: usage.completion_tokens,
        cost_usd: (plain.usage as UsageWithCost).cost_usd,
      });
    },
  );

  it('answers embeddings in base64 by default (what the SDK asks for) with the same numbers as floats, and records each call', async () => {
    const input = ['one two', 'three four five'];
    const decoded = await openai.embeddings.create({ model: 'openai/text-embedding-3-small', input }).withResponse();
    const floats = await openai.embeddings.create({ model: 'openai/text-embedding-3-small', input, encoding_format: 'float' });
    expect(decoded.data.data.map((d) => d.embedding.length)).toEqual(floats.data.map((d) => d.embedding.length));
    // base64 carries float32s: the same numbers as the float answer once rounded to float32
    expect(decoded.data.data.map((d) => d.embedding)).toEqual(floats.data.map((d) => d.embedding.map((x) => Math.fround(x))));
    expect(floats.data[0].embedding.length).toBeGreaterThan(0);
    const row = await logRow(decoded.response.headers.get('x-request-id')!);
    expect(row).toMatchObject({ status: 'success', is_stream: false, input_tokens: decoded.data.usage.prompt_tokens, output_tokens: 0 });
  });
});
