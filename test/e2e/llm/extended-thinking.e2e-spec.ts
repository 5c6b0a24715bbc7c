import Anthropic from '@anthropic-ai/sdk';
import type { Client } from 'pg';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { signThinking } from '@test/support/provider-simulator/anthropic-thinking';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { PricingService } from '@src/llm/pricing/pricing.service';

const LOOKUP = { name: 'lookup', description: 'Looks a word up', input_schema: { type: 'object' as const, properties: { word: { type: 'string' } } } };
const FIVE_THOUGHTS = 'thought1 thought2 thought3 thought4 thought5';

/**
 * Claude's extended thinking through LLMHub as an Anthropic app uses it: the real `@anthropic-ai/sdk`
 * against /v1/messages, LLMHub's Anthropic provider against the simulator (which signs its thinking and
 * checks the blocks passed back, as Anthropic does). The thinking blocks reach the app whole, streamed or
 * not; passed back in a tool-use loop they reach Anthropic unchanged; the thinking tokens are billed.
 */
describe('extended thinking through the Anthropic SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let db: Client;
  let anthropic: Anthropic;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'thinking', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim, db } = gateway);
    anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const messagesBodies = () => sim.requests.filter((r) => r.path === '/v1/messages').map((r) => r.body);

  async function badRequest(promise: Promise<unknown>): Promise<{ message: string; details: { field: string; message: string }[] }> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    return ((err as InstanceType<typeof Anthropic.APIError>).error as { error: { message: string; details: { field: string; message: string }[] } }).error;
  }

  it('answers the thinking block, signature and all, before the text; sends the budget as given; bills the thinking as output', async () => {
    const { data: message, response } = await anthropic.messages
      .create({
        model: 'anthropic/claude-sonnet-4-5',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        messages: [{ role: 'user', content: 'think it over [[sim:thinking_tokens=5;output_tokens=3]]' }],
      })
      .withResponse();
    expect(message.content).toEqual([
      { type: 'thinking', thinking: FIVE_THOUGHTS, signature: signThinking(FIVE_THOUGHTS) },
      { type: 'text', text: 'word1 word2 word3', citations: null },
    ]);
    expect(message.usage).toMatchObject({ output_tokens: 8, output_tokens_details: { thinking_tokens: 5 } });
    expect(messagesBodies()[0].thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });

    const pricing = t.app.get(PricingService);
    const cost = pricing.costUsd('anthropic/claude-sonnet-4-5', { inputTokens: message.usage.input_tokens, outputTokens: 8 });
    expect(response.headers.get('x-llmhub-cost-usd')).toBe(cost);
    const { rows } = await db.query('SELECT output_tokens, cost_usd::text FROM llm_generation_log WHERE id = $1', [response.headers.get('x-request-id')]);
    expect(rows).toEqual([{ output_tokens: 8, cost_usd: expect.any(String) }]);
    expect(Number(rows[0].cost_usd)).toBe(Number(cost));
  });

  it('streams the thinking as Anthropic does: thinking_delta pieces, the signature_delta, then the text in a block of its own', async () => {
    const params = {
      model: 'anthropic/claude-sonnet-4-5',
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      messages: [{ role: 'user' as const, content: 'think it over [[sim:thinking_tokens=5;output_tokens=3;chunks=2]]' }],
    };
    const stream = anthropic.messages.stream(params);
    const thoughts: string[] = [];
    const signatures: string[] = [];
    stream.on('thinking', (delta) => thoughts.push(delta));
    stream.on('signature', (signature) => signatures.push(signature));
    const final = await stream.finalMessage();
    expect(thoughts.join('')).toBe(FIVE_THOUGHTS);
    expect(thoughts.length).toBe(2);
    expect(signatures).toEqual([signThinking(FIVE_THOUGHTS)]);
    const unstreamed = await anthropic.messages.create(params);
    expect(final.content).toEqual(unstreamed.content);
    expect(final.usage).toMatchObject({ output_tokens: 8, output_tokens_details: { thinking_tokens: 5 } });

    const { data: raw } = await anthropic.messages.create({ ...params, stream: true }).withResponse();
    const starts: string[] = [];
    for await (const event of raw) if (event.type === 'content_block_start') starts.push(`${event.index}:${event.content_block.type}`);
    expect(starts).toEqual(['0:thinking', '1:text']);
  });

  it('passes the thinking blocks of a tool-using turn back to Anthropic unchanged, which a thinking conversation needs', async () => {
    const base = {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 2048,
      thinking: { type: 'enabled' as const, budget_tokens: 1024 },
      tools: [LOOKUP],
    };
    const ask: Anthropic.MessageParam = { role: 'user', content: 'look hi up [[sim:tool=lookup;thinking_tokens=4;redacted_thinking=1]]' };
    for (const stream of [false, true]) {
      sim.reset();
      const first = stream
        ? await anthropic.messages.stream({ ...base, messages: [ask] }).finalMessage()
        : await anthropic.messages.create({ ...base, messages: [ask] });
      expect(first.stop_reason).toBe('tool_use');
      expect(first.content.map((b) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
      const toolUse = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use')!;

      const second = await anthropic.messages.create({
        ...base,
        messages: [
          ask,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'a greeting' }] },
        ],
      });
      expect(second.stop_reason).toBe('end_turn');
      expect(second.content.map((b) => b.type)).toEqual(['thinking', 'text']);
      const sent = messagesBodies()[1].messages[1].content;
      expect(sent.slice(0, 2)).toEqual(first.content.slice(0, 2));
      expect(sent[2]).toMatchObject({ type: 'tool_use', id: toolUse.id });
    }
  });

  it('relays Anthropic’s refusal of a thinking block that was changed on its way back', async () => {
    const base = { model: 'anthropic/claude-haiku-4-5', max_tokens: 2048, thinking: { type: 'enabled' as const, budget_tokens: 1024 }, tools: [LOOKUP] };
    const ask: Anthropic.MessageParam = { role: 'user', content: 'look hi up [[sim:tool=lookup]]' };
    const first = await anthropic.messages.create({ ...base, messages: [ask] });
    const [thinking, toolUse] = first.content as [Anthropic.ThinkingBlock, Anthropic.ToolUseBlock];
    const err = await anthropic.messages
      .create({
        ...base,
        messages: [
          ask,
          { role: 'assistant', content: [{ ...thinking, thinking: `${thinking.thinking} and more` }, toolUse] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'a greeting' }] },
        ],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Anthropic.BadRequestError);
    expect((err as Error).message).toContain('Invalid `signature` in `thinking` block');
  });

  it('passes adaptive thinking and an omitted display on; the omitted block is signed and passes back', async () => {
    const base = {
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 2048,
      thinking: { type: 'adaptive' as const, display: 'omitted' as const },
      tools: [LOOKUP],
    };
    const ask: Anthropic.MessageParam = { role: 'user', content: 'look hi up [[sim:tool=lookup]]' };
    const first = await anthropic.messages.create({ ...base, messages: [ask] });
    expect(first.content[0]).toEqual({ type: 'thinking', thinking: '', signature: signThinking('') });
    const toolUse = first.content[1] as Anthropic.ToolUseBlock;
    const second = await anthropic.messages.create({
      ...base,
      messages: [
        ask,
        { role: 'assistant', content: first.content },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolUse.id, content: 'ok' }] },
      ],
    });
    expect(second.stop_reason).toBe('end_turn');
    expect(messagesBodies().map((b) => b.thinking)).toEqual([
      { type: 'adaptive', display: 'omitted' },
      { type: 'adaptive', display: 'omitted' },
    ]);
  });

  it('sends thinking disabled on as asked, and nothing when the request has none', async () => {
    await anthropic.messages.create({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 5,
      thinking: { type: 'disabled' },
      messages: [{ role: 'user', content: 'hi' }],
    });
    const plain = await anthropic.messages.create({ model: 'anthropic/claude-haiku-4-5', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.content.map((b) => b.type)).toEqual(['text']);
    expect(messagesBodies().map((b) => b.thinking)).toEqual([{ type: 'disabled' }, undefined]);
  });

  it('names a budget Anthropic would refuse, and a type it has not, before any call', async () => {
    const call = (thinking: unknown, max_tokens = 2048) =>
      badRequest(
        anthropic.messages.create({
          model: 'anthropic/claude-haiku-4-5',
          max_tokens,
          thinking: thinking as Anthropic.ThinkingConfigParam,
          messages: [{ role: 'user', content: 'hi' }],
        }),
      );
    expect((await call({ type: 'enabled', budget_tokens: 500 })).details).toEqual([
      { field: 'thinking.budget_tokens', message: expect.stringContaining('at least 1024') },
    ]);
    expect((await call({ type: 'enabled' })).details).toEqual([{ field: 'thinking.budget_tokens', message: expect.stringContaining('required') }]);
    expect((await call({ type: 'enabled', budget_tokens: 2048 }, 2048)).details).toEqual([
      { field: 'thinking.budget_tokens', message: expect.stringContaining('less than max_tokens (2048)') },
    ]);
    expect((await call({ type: 'sometimes' })).details).toEqual([{ field: 'thinking.type', message: expect.stringContaining('enabled, adaptive') }]);
    expect((await call({ type: 'adaptive', display: 'full' })).details).toEqual([{ field: 'thinking.display', message: 'expected summarized, omitted' }]);
    const forced = await badRequest(
      anthropic.messages.create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 2048,
        thinking: { type: 'enabled', budget_tokens: 1024 },
        tools: [LOOKUP],
        tool_choice: { type: 'any' },
        messages: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(forced.details).toEqual([{ field: 'tool_choice', message: expect.stringContaining('no forced tool use with thinking on') }]);
    expect(sim.requests).toHaveLength(0);
  });

  it('refuses thinking on for a model whose provider has none, naming thinking; history thinking is dropped for it, not refused', async () => {
    for (const model of ['openai/gpt-4o-mini', 'mock/echo']) {
      const error = await badRequest(
        anthropic.messages.create({ model, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [{ role: 'user', content: 'hi' }] }),
      );
      expect(error.details).toEqual([{ field: 'thinking', message: expect.stringContaining('supported by anthropic') }]);
    }
    expect(sim.requests).toHaveLength(0);

    const answer = await anthropic.messages.create({
      model: 'openai/gpt-4o-mini',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: signThinking('hmm') },
            { type: 'text', text: 'hello' },
          ],
        },
        { role: 'user', content: 'and again' },
      ],
    });
    expect(answer.content[0]).toMatchObject({ type: 'text' });
    const sent = sim.requests[0].body.messages;
    expect(sent.map((m: any) => [m.role, m.content])).toEqual([
      ['user', 'hi'],
      ['assistant', 'hello'],
      ['user', 'and again'],
    ]);
  });

  it('refuses a thinking block in a user turn, and one without its signature, naming each', async () => {
    const error = await badRequest(
      anthropic.messages.create({
        model: 'anthropic/claude-haiku-4-5',
        max_tokens: 5,
        messages: [
          { role: 'user', content: [{ type: 'thinking', thinking: 'x', signature: 'y' } as unknown as Anthropic.TextBlockParam] },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'x' } as unknown as Anthropic.ThinkingBlockParam, { type: 'text', text: 'a' }] },
          { role: 'user', content: 'b' },
        ],
      }),
    );
    expect(error.details.map((d) => d.field)).toEqual(['messages[0].content[0].type', 'messages[1].content[0].signature']);
    expect(sim.requests).toHaveLength(0);
  });
});
