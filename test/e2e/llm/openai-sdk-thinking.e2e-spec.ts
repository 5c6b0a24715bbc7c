import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { signThinking } from '@test/support/provider-simulator/anthropic-thinking';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { PricingService } from '@src/llm/pricing/pricing.service';

const LOOKUP: ChatCompletionTool = {
  type: 'function',
  function: { name: 'lookup', description: 'Looks a word up', parameters: { type: 'object', properties: { word: { type: 'string' } } } },
};
const FIVE_THOUGHTS = 'thought1 thought2 thought3 thought4 thought5';
const FOUR_THOUGHTS = 'thought1 thought2 thought3 thought4';

/** What LLMHub adds to a chat completion's message for a thinking model: Groq's `reasoning`, and the signed blocks to pass back. */
type ThinkingMessage = OpenAI.ChatCompletionMessage & { reasoning?: string; thinking_blocks?: Record<string, unknown>[] };

/** Anthropic's `thinking` is no OpenAI SDK parameter: sent as an extra body field, as Anthropic's own OpenAI-compatible endpoint takes it. */
function withThinking<T extends object>(params: T, thinking: Record<string, unknown> = { type: 'enabled', budget_tokens: 1024 }): T {
  return { ...params, thinking };
}

/**
 * Claude's extended thinking for an app written against the OpenAI SDK: `thinking` on /v1/chat/completions
 * reaches Anthropic as sent; the answer's reasoning comes as `message.reasoning` and its signed blocks as
 * `message.thinking_blocks`, which the app passes back with the message in a tool loop (streamed too: the
 * SDK's stream helper keeps the last `thinking_blocks` it saw, the whole list). On /v1/responses each block
 * is a reasoning item holding it in `encrypted_content`, passed back with the answer's other items. The
 * simulator signs its thinking and checks the blocks passed back, as Anthropic does.
 */
describe('extended thinking through the OpenAI SDK (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let sim: ProviderSimulator;
  let openai: OpenAI;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'chat-thinking', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    ({ app: t, sim } = gateway);
    openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0 });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  const messagesBodies = () => sim.requests.filter((r) => r.path === '/v1/messages').map((r) => r.body);

  async function badRequest(promise: Promise<unknown>): Promise<{ field: string; message: string }[]> {
    const err = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    return ((err as InstanceType<typeof OpenAI.APIError>).error as { details: { field: string; message: string }[] }).details;
  }

  it('sends thinking to Anthropic as given; answers the reasoning, the signed blocks and the thinking tokens', async () => {
    const completion = await openai.chat.completions.create(
      withThinking({
        model: 'anthropic/claude-sonnet-4-5',
        max_tokens: 2048,
        messages: [{ role: 'user' as const, content: 'think it over [[sim:thinking_tokens=5;output_tokens=3]]' }],
      }),
    );
    const message = completion.choices[0].message as ThinkingMessage;
    expect(message.content).toBe('word1 word2 word3');
    expect(message.reasoning).toBe(FIVE_THOUGHTS);
    expect(message.thinking_blocks).toEqual([{ type: 'thinking', thinking: FIVE_THOUGHTS, signature: signThinking(FIVE_THOUGHTS) }]);
    expect(completion.usage).toMatchObject({ completion_tokens: 8, completion_tokens_details: { reasoning_tokens: 5 } });
    expect(messagesBodies()[0]).toMatchObject({ thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 2048 });
  });

  it('runs a tool loop with thinking on: the message passed back as answered brings its thinking to Anthropic unchanged', async () => {
    const ask: ChatCompletionMessageParam = { role: 'user', content: 'look hi up [[sim:tool=lookup;thinking_tokens=4;redacted_thinking=1]]' };
    const base = { model: 'anthropic/claude-haiku-4-5', tools: [LOOKUP] };
    const first = await openai.chat.completions.create(withThinking({ ...base, messages: [ask] }));
    const message = first.choices[0].message as ThinkingMessage;
    expect(first.choices[0].finish_reason).toBe('tool_calls');
    expect(message.thinking_blocks).toEqual([
      { type: 'thinking', thinking: FOUR_THOUGHTS, signature: signThinking(FOUR_THOUGHTS) },
      { type: 'redacted_thinking', data: expect.stringMatching(/^sim-redacted:/) },
    ]);
    const call = message.tool_calls![0];

    const second = await openai.chat.completions.create(
      withThinking({ ...base, messages: [ask, message, { role: 'tool' as const, tool_call_id: call.id, content: 'a greeting' }] }),
    );
    expect(second.choices[0].finish_reason).toBe('stop');
    const sent = messagesBodies()[1].messages[1].content;
    expect(sent.slice(0, 2)).toEqual(message.thinking_blocks);
    expect(sent[2]).toMatchObject({ type: 'tool_use', id: call.id, name: 'lookup' });
  });

  it('streams the reasoning as delta.reasoning and the signed blocks as delta.thinking_blocks; the stream helper’s final message passes back', async () => {
    const ask: ChatCompletionMessageParam = { role: 'user', content: 'look hi up [[sim:tool=lookup;thinking_tokens=4;redacted_thinking=1;chunks=2]]' };
    const base = { model: 'anthropic/claude-haiku-4-5', tools: [LOOKUP] };

    const raw = await openai.chat.completions.create(withThinking({ ...base, messages: [ask], stream: true as const }));
    const reasoning: string[] = [];
    const lists: unknown[] = [];
    for await (const chunk of raw) {
      const delta = chunk.choices[0]?.delta as { reasoning?: string; thinking_blocks?: unknown[] } | undefined;
      if (delta?.reasoning) reasoning.push(delta.reasoning);
      if (delta?.thinking_blocks) lists.push(delta.thinking_blocks);
    }
    expect(reasoning.join('')).toBe(FOUR_THOUGHTS);
    // each finished block: the list so far
    expect(lists).toEqual([
      [{ type: 'thinking', thinking: FOUR_THOUGHTS, signature: signThinking(FOUR_THOUGHTS) }],
      [
        { type: 'thinking', thinking: FOUR_THOUGHTS, signature: signThinking(FOUR_THOUGHTS) },
        { type: 'redacted_thinking', data: expect.stringMatching(/^sim-redacted:/) },
      ],
    ]);

    sim.reset();
    const streamed = await openai.chat.completions.stream(withThinking({ ...base, messages: [ask] })).finalChatCompletion();
    const message = streamed.choices[0].message as ThinkingMessage;
    expect(message.thinking_blocks).toEqual([
      { type: 'thinking', thinking: FOUR_THOUGHTS, signature: signThinking(FOUR_THOUGHTS) },
      { type: 'redacted_thinking', data: expect.stringMatching(/^sim-redacted:/) },
    ]);
    const second = await openai.chat.completions.create(
      withThinking({ ...base, messages: [ask, message, { role: 'tool' as const, tool_call_id: message.tool_calls![0].id, content: 'a greeting' }] }),
    );
    expect(second.choices[0].finish_reason).toBe('stop');
    expect(messagesBodies()[1].messages[1].content.slice(0, 2)).toEqual(message.thinking_blocks);
  });

  it('passes an omitted display on: no reasoning text, the signed empty block still to pass back', async () => {
    const completion = await openai.chat.completions.create(
      withThinking({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'hi' }] }, { type: 'adaptive', display: 'omitted' }),
    );
    const message = completion.choices[0].message as ThinkingMessage;
    expect(message.reasoning).toBeUndefined();
    expect(message.thinking_blocks).toEqual([{ type: 'thinking', thinking: '', signature: signThinking('') }]);
    expect(messagesBodies()[0].thinking).toEqual({ type: 'adaptive', display: 'omitted' });
  });

  it('names a tool loop whose last assistant message lost its thinking_blocks, before any call', async () => {
    const details = await badRequest(
      openai.chat.completions.create(
        withThinking({
          model: 'anthropic/claude-haiku-4-5',
          tools: [LOOKUP],
          messages: [
            { role: 'user' as const, content: 'look hi up' },
            {
              role: 'assistant' as const,
              content: null,
              tool_calls: [{ id: 'toolu_1', type: 'function' as const, function: { name: 'lookup', arguments: '{}' } }],
            },
            { role: 'tool' as const, tool_call_id: 'toolu_1', content: 'a greeting' },
          ],
        }),
      ),
    );
    expect(details).toEqual([{ field: 'messages[1].thinking_blocks', message: expect.stringContaining('pass the answer back as it came') }]);
    expect(sim.requests).toHaveLength(0);
  });

  it('names thinking Anthropic would refuse and thinking_blocks that are not blocks, before any call', async () => {
    const call = (body: Record<string, unknown>) =>
      badRequest(
        openai.chat.completions.create({
          model: 'anthropic/claude-haiku-4-5',
          messages: [{ role: 'user', content: 'hi' }],
          ...body,
        } as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
      );
    expect(await call({ thinking: { type: 'enabled', budget_tokens: 2048 }, max_completion_tokens: 2048 })).toEqual([
      { field: 'thinking.budget_tokens', message: expect.stringContaining('less than max_tokens (2048)') },
    ]);
    // with no max_tokens to be below, still a number of tokens
    expect(await call({ thinking: { type: 'enabled', budget_tokens: 1e30 } })).toEqual([
      { field: 'thinking.budget_tokens', message: expect.stringContaining('at most 2147483647') },
    ]);
    expect(await call({ thinking: { type: 'enabled', budget_tokens: 100 } })).toEqual([
      { field: 'thinking.budget_tokens', message: expect.stringContaining('at least 1024') },
    ]);
    // without max_tokens the model's maximum is sent, and the budget must be below it (Anthropic would name max_tokens)
    expect(await call({ thinking: { type: 'enabled', budget_tokens: 64_000 } })).toEqual([
      {
        field: 'thinking.budget_tokens',
        message: 'anthropic/claude-haiku-4-5 writes at most 64000 output tokens, thinking included: give a budget below 64000',
      },
    ]);
    expect(await call({ thinking: { type: 'on' } })).toEqual([{ field: 'thinking.type', message: expect.stringContaining('enabled, adaptive') }]);
    // what Anthropic refuses beside thinking: a forced tool, and so a JSON answer (a forced tool for Claude)
    const thinking = { type: 'adaptive' };
    expect(await call({ thinking, tools: [LOOKUP], tool_choice: 'required' })).toEqual([
      { field: 'tool_choice', message: expect.stringContaining('no forced tool use with thinking on') },
    ]);
    expect(await call({ thinking, tools: [LOOKUP], tool_choice: { type: 'function', function: { name: 'lookup' } } })).toEqual([
      { field: 'tool_choice', message: expect.stringContaining('no forced tool use with thinking on') },
    ]);
    expect(await call({ thinking, response_format: { type: 'json_object' } })).toEqual([
      { field: 'response_format', message: expect.stringContaining('a JSON answer is a forced tool for Claude') },
    ]);
    const history = (thinkingBlocks: unknown) => ({
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello', thinking_blocks: thinkingBlocks },
        { role: 'user', content: 'again' },
      ],
    });
    expect(await call(history('thoughts'))).toEqual([{ field: 'messages[1].thinking_blocks', message: expect.stringContaining('expected an array') }]);
    expect(await call(history([{ type: 'thinking', thinking: 'hmm' }]))).toEqual([
      { field: 'messages[1].thinking_blocks[0].signature', message: 'expected the signature the thinking block came with' },
    ]);
    expect(await call(history([{ type: 'text', text: 'hmm' }]))).toEqual([
      { field: 'messages[1].thinking_blocks[0].type', message: 'expected thinking or redacted_thinking' },
    ]);
    expect(sim.requests).toHaveLength(0);
  });

  it('reserves the thinking budget against the client’s budget when max_tokens is not set: a call that may think past it is a 402', async () => {
    // room for a plain call's reservation (its prompt and 1,024 output tokens), not for 8,000 more of thinking
    const room = t.app.get(PricingService).costUsd('anthropic/claude-haiku-4-5', { inputTokens: 200, outputTokens: 2_048 });
    const client = await gateway.newClient({ monthly_budget_usd: room });
    const budgeted = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: client.key, maxRetries: 0 });
    const params = { model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user' as const, content: 'hi' }] };
    await budgeted.chat.completions.create(params);
    const err = await budgeted.chat.completions.create(withThinking(params, { type: 'enabled', budget_tokens: 8_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect(messagesBodies()).toHaveLength(1);
  });

  it('refuses thinking for a model whose provider has none, naming it; thinking_blocks passed to one are left out, not refused', async () => {
    for (const model of ['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile']) {
      const details = await badRequest(openai.chat.completions.create(withThinking({ model, messages: [{ role: 'user' as const, content: 'hi' }] })));
      expect(details).toEqual([{ field: 'thinking', message: expect.stringContaining('supported by anthropic') }]);
    }
    expect(sim.requests).toHaveLength(0);

    await openai.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: 'hello',
          thinking_blocks: [{ type: 'thinking', thinking: 'hmm', signature: signThinking('hmm') }],
        } as ChatCompletionMessageParam,
        { role: 'user', content: 'again' },
      ],
    });
    expect(sim.requests[0].body.messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'hello' },
      { role: 'user', content: 'again' },
    ]);
  });

  describe('the Responses API', () => {
    const TOOL: OpenAI.Responses.FunctionTool = {
      type: 'function',
      name: 'lookup',
      description: 'Looks a word up',
      parameters: { type: 'object', properties: { word: { type: 'string' } } },
      strict: false,
    };
    const base = { model: 'anthropic/claude-haiku-4-5', tools: [TOOL] };
    const ask = 'look hi up [[sim:tool=lookup;thinking_tokens=4;redacted_thinking=1;chunks=2]]';

    /** The reasoning items of a response: their text and whether each holds a block to pass back. */
    const reasoningOf = (output: OpenAI.Responses.ResponseOutputItem[]) =>
      output
        .filter((item): item is OpenAI.Responses.ResponseReasoningItem => item.type === 'reasoning')
        .map((item) => ({ id: item.id, text: item.content?.map((c) => c.text).join('') ?? '', sealed: typeof item.encrypted_content === 'string' }));

    it('answers one reasoning item per signed block, before the call; the output passed back as input brings them to Anthropic unchanged', async () => {
      const first = await openai.responses.create(withThinking({ ...base, input: ask }));
      expect(first.output.map((item) => item.type)).toEqual(['reasoning', 'reasoning', 'function_call']);
      expect(reasoningOf(first.output)).toEqual([
        { id: expect.stringMatching(/^rs_[^_]+$/), text: FOUR_THOUGHTS, sealed: true },
        { id: expect.stringMatching(/^rs_.+_1$/), text: '', sealed: true },
      ]);
      expect(messagesBodies()[0].thinking).toEqual({ type: 'enabled', budget_tokens: 1024 });
      const call = first.output[2] as OpenAI.Responses.ResponseFunctionToolCall;

      const second = await openai.responses.create(
        withThinking({
          ...base,
          input: [
            { role: 'user' as const, content: ask },
            ...(first.output as OpenAI.Responses.ResponseInputItem[]),
            { type: 'function_call_output' as const, call_id: call.call_id, output: 'a greeting' },
          ],
        }),
      );
      expect(second.status).toBe('completed');
      const sent = messagesBodies()[1].messages[1].content;
      expect(sent.map((b: { type: string }) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
      expect(sent[0]).toEqual({ type: 'thinking', thinking: FOUR_THOUGHTS, signature: signThinking(FOUR_THOUGHTS) });
    });

    it('streams each block as its reasoning item; the stream helper’s final response passes back the same way', async () => {
      const stream = openai.responses.stream(withThinking({ ...base, input: ask }));
      const deltas: string[] = [];
      stream.on('response.reasoning_text.delta', (event) => deltas.push(event.delta));
      const final = await stream.finalResponse();
      expect(deltas.join('')).toBe(FOUR_THOUGHTS);
      expect(reasoningOf(final.output)).toEqual([
        { id: expect.any(String), text: FOUR_THOUGHTS, sealed: true },
        { id: expect.any(String), text: '', sealed: true },
      ]);
      const unstreamed = await openai.responses.create(withThinking({ ...base, input: ask }));
      expect(final.output.map((item) => item.type)).toEqual(unstreamed.output.map((item) => item.type));

      sim.reset();
      const call = final.output.find((item) => item.type === 'function_call') as OpenAI.Responses.ResponseFunctionToolCall;
      const second = await openai.responses.create(
        withThinking({
          ...base,
          input: [
            { role: 'user' as const, content: ask },
            ...(final.output as OpenAI.Responses.ResponseInputItem[]),
            { type: 'function_call_output' as const, call_id: call.call_id, output: 'ok' },
          ],
        }),
      );
      expect(second.status).toBe('completed');
      expect(messagesBodies()[0].messages[1].content.map((b: { type: string }) => b.type)).toEqual(['thinking', 'redacted_thinking', 'tool_use']);
    });

    it('names a JSON answer format with thinking on, before any call', async () => {
      const err = await openai.responses
        .create(withThinking({ model: 'anthropic/claude-haiku-4-5', input: 'hi', text: { format: { type: 'json_object' as const } } }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OpenAI.BadRequestError);
      expect((err as { error: { details: unknown } }).error.details).toEqual([{ field: 'text.format', message: expect.stringContaining('forced tool') }]);
      expect(sim.requests).toHaveLength(0);
    });

    it('names a tool loop whose reasoning items were left out; other reasoning items are context it drops', async () => {
      const first = await openai.responses.create(withThinking({ ...base, input: ask }));
      const call = first.output.find((item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call')!;
      sim.reset();
      const input = [{ role: 'user' as const, content: ask }, call, { type: 'function_call_output' as const, call_id: call.call_id, output: 'ok' }];
      expect(await badRequest(openai.responses.create(withThinking({ ...base, input })))).toEqual([
        { field: 'input', message: expect.stringContaining('pass the answer back as it came') },
      ]);
      expect(sim.requests).toHaveLength(0);

      // a reasoning item with nothing of LLMHub's in it (OpenAI's own encrypted reasoning, say) is left out, as before
      await openai.responses.create({
        model: 'anthropic/claude-haiku-4-5',
        input: [
          { role: 'user', content: 'hi' },
          { type: 'reasoning', id: 'rs_openai', summary: [], encrypted_content: 'gAAAAABopenai' },
          { role: 'assistant', content: 'hello' },
          { role: 'user', content: 'again' },
        ],
      });
      expect(messagesBodies()[0].messages[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'hello' }] });
    });
  });
});
