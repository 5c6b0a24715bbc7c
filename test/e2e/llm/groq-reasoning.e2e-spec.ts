import Anthropic from '@anthropic-ai/sdk';
import Groq from 'groq-sdk';
import type { ChatCompletionCreateParamsNonStreaming } from 'groq-sdk/resources/chat/completions';
import OpenAI from 'openai';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ProviderSimulator } from '@test/support/provider-simulator/server';

const REASONING = 'reason1 reason2 reason3';

/**
 * A Groq reasoning model's reasoning through LLMHub as groq-sdk users get it from Groq: `message.reasoning`
 * (`delta.reasoning` streamed), shown or not as `include_reasoning` and `reasoning_format` say, which reach
 * Groq as sent. The real groq-sdk (and the Anthropic SDK, which gets it as a thinking block) against LLMHub,
 * LLMHub's Groq provider against the simulator.
 */
describe('Groq reasoning through groq-sdk (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let groq: Groq;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'groq-reasoning', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim } = gateway);
    groq = new Groq({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const ask = (extra: Partial<ChatCompletionCreateParamsNonStreaming> = {}) =>
    groq.chat.completions.create({
      model: 'groq/openai/gpt-oss-20b',
      max_tokens: 2,
      messages: [{ role: 'user', content: 'why? [[sim:thinking_tokens=3]]' }],
      ...extra,
    });
  const sentBodies = () => sim.requests.map((r) => r.body as Record<string, unknown>);

  it('answers the reasoning in message.reasoning, as Groq does, and bills it as output', async () => {
    const res = await ask();
    expect(res.choices[0].message).toMatchObject({ content: 'word1 word2', reasoning: REASONING });
    // unsigned: nothing a later turn could pass back
    expect(res.choices[0].message).not.toHaveProperty('thinking_blocks');
    expect(res.usage?.completion_tokens).toBe(5);
    expect(sentBodies()[0]).not.toHaveProperty('include_reasoning');
  });

  it('streams the reasoning as delta.reasoning before the content', async () => {
    const stream = await groq.chat.completions.create({
      model: 'groq/openai/gpt-oss-20b',
      max_tokens: 2,
      stream: true,
      messages: [{ role: 'user', content: 'why? [[sim:thinking_tokens=3]]' }],
    });
    const order: string[] = [];
    let reasoning = '';
    let content = '';
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      if (delta?.reasoning) {
        reasoning += delta.reasoning;
        order.push('reasoning');
      }
      if (delta?.content) {
        content += delta.content;
        order.push('content');
      }
    }
    expect(reasoning).toBe(REASONING);
    expect(content).toBe('word1 word2');
    expect(order.indexOf('content')).toBeGreaterThan(order.lastIndexOf('reasoning'));
  });

  it('passes include_reasoning and reasoning_format to Groq as sent: hidden reasoning is not answered, raw comes in the content', async () => {
    const hidden = await ask({ include_reasoning: false });
    expect(hidden.choices[0].message.reasoning).toBeUndefined();
    expect(hidden.choices[0].message.content).toBe('word1 word2');

    const raw = await groq.chat.completions.create({
      model: 'groq/qwen/qwen3-32b',
      max_tokens: 2,
      reasoning_format: 'raw',
      messages: [{ role: 'user', content: 'why? [[sim:thinking_tokens=3]]' }],
    });
    expect(raw.choices[0].message.content).toBe(`<think>${REASONING}</think>word1 word2`);
    const parsed = await groq.chat.completions.create({
      model: 'groq/qwen/qwen3-32b',
      max_tokens: 2,
      reasoning_format: 'parsed',
      messages: [{ role: 'user', content: 'why? [[sim:thinking_tokens=3]]' }],
    });
    expect(parsed.choices[0].message).toMatchObject({ content: 'word1 word2', reasoning: REASONING });
    expect(sentBodies().map((b) => [b.include_reasoning, b.reasoning_format])).toEqual([
      [false, undefined],
      [undefined, 'raw'],
      [undefined, 'parsed'],
    ]);
  });

  it("passes Groq's reasoning_effort default on as sent", async () => {
    await groq.chat.completions.create({
      model: 'groq/qwen/qwen3-32b',
      max_tokens: 2,
      reasoning_effort: 'default',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(sentBodies()[0].reasoning_effort).toBe('default');
  });

  it('names include_reasoning with reasoning_format, a format Groq has not, and either for a provider without them, before any call', async () => {
    const fields = async (promise: Promise<unknown>) => {
      const err = await promise.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(Groq.BadRequestError);
      return ((err as InstanceType<typeof Groq.BadRequestError>).error as { error: { param: string; message: string } }).error;
    };
    expect(await fields(ask({ include_reasoning: true, reasoning_format: 'parsed' }))).toMatchObject({ param: 'include_reasoning' });
    expect(await fields(ask({ reasoning_format: 'verbose' as 'raw' }))).toMatchObject({ param: 'reasoning_format' });
    const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    const err = await openai.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        include_reasoning: false,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('include_reasoning');
    expect((err as Error).message).toContain('supported by groq models');
    expect(sim.requests).toHaveLength(0);
  });

  it('answers a Responses API client the reasoning as a reasoning item before the message, streamed or not', async () => {
    const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
    const params = { model: 'groq/openai/gpt-oss-20b', max_output_tokens: 2, input: 'why? [[sim:thinking_tokens=3]]' };
    const response = await openai.responses.create(params);
    expect(response.output_text).toBe('word1 word2');
    expect(response.output[0]).toMatchObject({ type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: REASONING }] });
    expect(response.output[1]).toMatchObject({ type: 'message' });

    const stream = openai.responses.stream(params);
    let streamed = '';
    stream.on('response.reasoning_text.delta', (event) => (streamed += event.delta));
    const final = await stream.finalResponse();
    expect(streamed).toBe(REASONING);
    expect(final.output.map((item) => item.type)).toEqual(['reasoning', 'message']);
    expect(final.output[0]).toEqual({ ...response.output[0], id: final.output[0].id });
    expect(final.output_text).toBe('word1 word2');
  });

  it('answers an Anthropic SDK client the reasoning as a thinking block, streamed or not', async () => {
    const anthropic = new Anthropic({ baseURL: t.url, apiKey: gateway.apiKey, maxRetries: 0 });
    const params = { model: 'groq/openai/gpt-oss-20b', max_tokens: 2, messages: [{ role: 'user' as const, content: 'why? [[sim:thinking_tokens=3]]' }] };
    const message = await anthropic.messages.create(params);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: REASONING, signature: '' },
      { type: 'text', text: 'word1 word2', citations: null },
    ]);
    const streamed = await anthropic.messages.stream(params).finalMessage();
    expect(streamed.content).toEqual(message.content);

    // the conversation moved to Claude: the unsigned block is context it could not verify, left out
    sim.reset();
    const claude = await anthropic.messages.create({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 64,
      messages: [...params.messages, { role: 'assistant', content: message.content }, { role: 'user', content: 'and so?' }],
    });
    expect(claude.stop_reason).toBe('end_turn');
    expect(sim.requests[0].body.messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'word1 word2' }] });
  });
});
