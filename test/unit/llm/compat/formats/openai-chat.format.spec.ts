import { OpenAiChunkWriter, openAiUsage, parseChatCompletion } from '@src/llm/compat/formats/openai-chat.format';
import { AnthropicEventWriter, parseMessagesRequest } from '@src/llm/compat/formats/anthropic-messages.format';
import { parseResponsesRequest } from '@src/llm/compat/formats/openai-responses.format';
import type { StreamStart } from '@src/llm/generation/generation.types';
import { fieldsOf } from '@test/support/validation-errors';

describe('parseChatCompletion', () => {
  it('reads messages, tools and sampling fields into the neutral shape', () => {
    const parsed = parseChatCompletion({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Hi' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'ok' },
      ],
      max_completion_tokens: 50,
      temperature: 0.2,
      stop: 'END',
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(parsed.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(parsed.messages[1].content).toEqual([
      { type: 'text', text: 'Hi' },
      { type: 'image', url: 'https://x/y.png' },
    ]);
    expect(parsed.messages[2].toolCalls).toEqual([{ id: 'c1', name: 'f', arguments: '{"a":1}' }]);
    expect(parsed.messages[3]).toEqual({ role: 'tool', content: 'ok', toolCallId: 'c1' });
    expect(parsed.params).toEqual({
      maxTokens: 50,
      temperature: 0.2,
      stop: ['END'],
      tools: [{ name: 'f', parameters: { type: 'object' } }],
      toolChoice: { name: 'f' },
    });
    expect(parsed.stream).toBe(true);
    expect(parsed.includeUsage).toBe(true);
  });

  it("keeps an image part's detail level, and names a bad one", () => {
    const image = (detail: unknown) => ({
      model: 'x',
      messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail } }] }],
    });
    expect(parseChatCompletion(image('low')).messages[0].content).toEqual([{ type: 'image', url: 'https://x/y.png', detail: 'low' }]);
    expect(parseChatCompletion(image(undefined)).messages[0].content).toEqual([{ type: 'image', url: 'https://x/y.png' }]);
    expect(fieldsOf(() => parseChatCompletion(image('ultra')))).toEqual(['messages[0].content[0].image_url.detail']);
  });

  it('accepts the harmless fields the official SDK may send', () => {
    expect(() =>
      parseChatCompletion({
        model: 'mock/echo',
        messages: [{ role: 'user', content: 'hi' }],
        user: 'u1',
        n: 1,
        seed: 7,
        response_format: { type: 'text' },
        parallel_tool_calls: true,
        logprobs: false,
        store: false,
        service_tier: 'auto',
      }),
    ).not.toThrow();
  });

  it('names a wrong value of a field it ignores, as OpenAI would: penalties outside -2..2 or not numbers, a fractional seed', () => {
    const body = (extra: object) => ({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(parseChatCompletion(body({ frequency_penalty: -2, presence_penalty: 2, seed: -7 })).params).toEqual({});
    expect(fieldsOf(() => parseChatCompletion(body({ frequency_penalty: '0.5', presence_penalty: 3, seed: 1.5 })))).toEqual([
      'frequency_penalty',
      'presence_penalty',
      'seed',
    ]);
  });

  it('names a wrong value of a request setting it ignores: store not a boolean, a service_tier OpenAI has not, a cache key or safety id not a string', () => {
    const body = (extra: object) => ({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...extra });
    for (const tier of ['auto', 'default', 'flex', 'scale', 'priority'])
      expect(parseChatCompletion(body({ service_tier: tier, store: true })).params).toEqual({});
    expect(parseChatCompletion(body({ prompt_cache_key: 'k', safety_identifier: 'u-1', service_tier: null })).params).toEqual({});
    expect(fieldsOf(() => parseChatCompletion(body({ store: 'yes', service_tier: 'fast', prompt_cache_key: 7, safety_identifier: {} })))).toEqual([
      'store',
      'service_tier',
      'prompt_cache_key',
      'safety_identifier',
    ]);
    expect(fieldsOf(() => parseResponsesRequest({ model: 'mock/echo', input: 'hi', service_tier: 'fast', store: 1 }))).toEqual(['store', 'service_tier']);
  });

  it('on /v1/responses, names reasoning.effort and text.verbosity, and a text or reasoning that is no object once', () => {
    const responses = (extra: object) => ({ model: 'mock/echo', input: 'hi', ...extra });
    expect(parseResponsesRequest(responses({ reasoning: { effort: 'low', summary: 'auto' }, text: { verbosity: 'high' } })).params).toEqual({
      reasoningEffort: 'low',
      verbosity: 'high',
    });
    expect(fieldsOf(() => parseResponsesRequest(responses({ reasoning: { effort: 'lots' }, text: { verbosity: 'terse' } })))).toEqual([
      'reasoning.effort',
      'text.verbosity',
    ]);
    expect(fieldsOf(() => parseResponsesRequest(responses({ reasoning: 'low', text: 'plain' })))).toEqual(['text', 'reasoning']);
  });

  it('reads stream_options only with stream: true, and include_usage only as a boolean', () => {
    const body = (extra: object) => ({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(parseChatCompletion(body({ stream: true, stream_options: { include_usage: true } })).includeUsage).toBe(true);
    expect(parseChatCompletion(body({ stream: true, stream_options: {} })).includeUsage).toBe(false);
    expect(parseChatCompletion(body({ stream_options: null })).includeUsage).toBe(false);
    expect(fieldsOf(() => parseChatCompletion(body({ stream_options: { include_usage: true } })))).toEqual(['stream_options']);
    expect(fieldsOf(() => parseChatCompletion(body({ stream: false, stream_options: { include_usage: true } })))).toEqual(['stream_options']);
    expect(fieldsOf(() => parseChatCompletion(body({ stream: true, stream_options: { include_usage: 'yes' } })))).toEqual(['stream_options.include_usage']);
  });

  it('names a max_tokens that is no token count: 0, negative, fractional, above 2147483647', () => {
    const body = (extra: object) => ({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(parseChatCompletion(body({ max_tokens: 2_147_483_647 })).params).toEqual({ maxTokens: 2_147_483_647 });
    for (const bad of [0, -1, 1.5, 2_147_483_648, 1e300]) {
      expect(fieldsOf(() => parseChatCompletion(body({ max_tokens: bad })))).toEqual(['max_tokens']);
      expect(fieldsOf(() => parseChatCompletion(body({ max_completion_tokens: bad })))).toEqual(['max_completion_tokens']);
    }
    expect(fieldsOf(() => parseMessagesRequest({ ...body({}), max_tokens: 1e300 }))).toEqual(['max_tokens']);
    expect(fieldsOf(() => parseMessagesRequest({ ...body({}), max_tokens: 5, top_k: 'x' }))).toEqual(['top_k']);
  });

  it('refuses fields that would silently change the answer, naming each', () => {
    const fields = fieldsOf(() =>
      parseChatCompletion({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], logit_bias: { '50256': -100 }, audio: {} }),
    );
    expect(fields).toEqual(['logit_bias', 'audio']);
  });

  it('reads n above 1 into the neutral params, drops n = 1, and names n outside 1–128', () => {
    const body = (n: unknown) => ({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], n });
    expect(parseChatCompletion(body(3)).params).toEqual({ n: 3 });
    expect(parseChatCompletion(body(1)).params).toEqual({});
    expect(parseChatCompletion(body(null)).params).toEqual({});
    for (const bad of [0, 129, 2.5, '2']) expect(fieldsOf(() => parseChatCompletion(body(bad)))).toEqual(['n']);
  });

  it('reads response_format json_object and json_schema into the neutral params, and drops the default text', () => {
    const body = (response_format: unknown) => ({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], response_format });
    expect(parseChatCompletion(body({ type: 'json_object' })).params).toEqual({ responseFormat: { type: 'json_object' } });
    const schema = { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false };
    expect(parseChatCompletion(body({ type: 'json_schema', json_schema: { name: 'person', schema, strict: true } })).params).toEqual({
      responseFormat: { type: 'json_schema', jsonSchema: { name: 'person', schema, strict: true } },
    });
    expect(parseChatCompletion(body({ type: 'text' })).params).toEqual({});
  });

  it('names the part of a malformed response_format', () => {
    const body = (response_format: unknown) => ({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], response_format });
    expect(fieldsOf(() => parseChatCompletion(body('json')))).toEqual(['response_format']);
    expect(fieldsOf(() => parseChatCompletion(body({ type: 'xml' })))).toEqual(['response_format.type']);
    expect(fieldsOf(() => parseChatCompletion(body({ type: 'json_schema' })))).toEqual(['response_format.json_schema']);
    expect(fieldsOf(() => parseChatCompletion(body({ type: 'json_schema', json_schema: { schema: {} } })))).toEqual(['response_format.json_schema.name']);
    expect(fieldsOf(() => parseChatCompletion(body({ type: 'json_schema', json_schema: { name: 'has space' } })))).toEqual([
      'response_format.json_schema.name',
    ]);
    expect(fieldsOf(() => parseChatCompletion(body({ type: 'json_schema', json_schema: { name: 'p', schema: [] } })))).toEqual([
      'response_format.json_schema.schema',
    ]);
    expect(fieldsOf(() => parseChatCompletion(body({ type: 'json_schema', json_schema: { name: 'p', strict: 'yes' } })))).toEqual([
      'response_format.json_schema.strict',
    ]);
  });

  it("reads reasoning_effort as one of OpenAI's values (null: none given), and names any other", () => {
    const body = (extra: object) => ({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(parseChatCompletion(body({ reasoning_effort: 'high' })).params).toEqual({ reasoningEffort: 'high' });
    expect(parseChatCompletion(body({ reasoning_effort: null })).params).toEqual({});
    for (const bad of ['HIGH', '', 3, { effort: 'low' }])
      expect(fieldsOf(() => parseChatCompletion(body({ reasoning_effort: bad })))).toEqual(['reasoning_effort']);
  });

  it("reads verbosity as one of OpenAI's values, and names any other", () => {
    const body = (extra: object) => ({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(parseChatCompletion(body({ verbosity: 'low', reasoning_effort: 'minimal' })).params).toEqual({ verbosity: 'low', reasoningEffort: 'minimal' });
    expect(parseChatCompletion(body({ verbosity: null })).params).toEqual({});
    expect(fieldsOf(() => parseChatCompletion(body({ verbosity: 'max' })))).toEqual(['verbosity']);
  });

  it('reads logprobs and top_logprobs (0–20, only with logprobs: true)', () => {
    const body = (extra: object) => ({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(parseChatCompletion(body({ logprobs: true, top_logprobs: 3 })).params).toEqual({ logprobs: true, topLogprobs: 3 });
    expect(parseChatCompletion(body({ logprobs: true })).params).toEqual({ logprobs: true });
    expect(parseChatCompletion(body({ logprobs: false, top_logprobs: 0 })).params).toEqual({});
    expect(fieldsOf(() => parseChatCompletion(body({ logprobs: true, top_logprobs: 21 })))).toEqual(['top_logprobs']);
    expect(fieldsOf(() => parseChatCompletion(body({ logprobs: true, top_logprobs: 1.5 })))).toEqual(['top_logprobs']);
    expect(fieldsOf(() => parseChatCompletion(body({ top_logprobs: 2 })))).toEqual(['top_logprobs']);
    expect(fieldsOf(() => parseChatCompletion(body({ logprobs: 'yes' })))).toEqual(['logprobs']);
  });

  it('names bad fields: missing model, bad role, temperature out of range', () => {
    const fields = fieldsOf(() => parseChatCompletion({ messages: [{ role: 'robot', content: 'x' }], temperature: 3 }));
    expect(fields).toEqual(expect.arrayContaining(['model', 'messages[0].role', 'temperature']));
  });

  it('allows no messages when a template is given', () => {
    const parsed = parseChatCompletion({ model: 'mock/echo', template: { name: 'greet', version: 2 }, variables: { who: 'x' } });
    expect(parsed.template).toEqual({ name: 'greet', version: 2 });
    expect(parsed.messages).toEqual([]);
  });
});

describe('parseMessagesRequest', () => {
  it('splits tool results into tool messages and keeps system text', () => {
    const parsed = parseMessagesRequest({
      model: 'openai/gpt-4o-mini',
      max_tokens: 20,
      system: [{ type: 'text', text: 'Sys' }],
      messages: [
        { role: 'user', content: 'Q' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'calling' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'R' },
            { type: 'text', text: 'go on' },
          ],
        },
      ],
      tools: [{ name: 'f', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
    });
    expect(parsed.system).toBe('Sys');
    expect(parsed.messages).toEqual([
      { role: 'user', content: 'Q' },
      { role: 'assistant', content: 'calling', toolCalls: [{ id: 't1', name: 'f', arguments: '{"a":1}' }] },
      { role: 'tool', toolCallId: 't1', content: 'R' },
      { role: 'user', content: 'go on' },
    ]);
    expect(parsed.params.toolChoice).toBe('required');
  });

  it('keeps a tool_result marked is_error as a failed tool result', () => {
    const parsed = parseMessagesRequest({
      model: 'x',
      max_tokens: 5,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: 'timeout' }] },
      ],
    });
    expect(parsed.messages[1]).toEqual({ role: 'tool', toolCallId: 't1', content: 'timeout', isError: true });
  });

  it('keeps strict on tools, in both formats (dropping it would let arguments leave the schema)', () => {
    const openAi = parseChatCompletion({
      model: 'x',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [
        { type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } },
        { type: 'function', function: { name: 'g', parameters: { type: 'object' } } },
      ],
    });
    expect(openAi.params.tools).toEqual([
      { name: 'f', parameters: { type: 'object' }, strict: true },
      { name: 'g', parameters: { type: 'object' } },
    ]);
    const anthropic = parseMessagesRequest({
      model: 'x',
      max_tokens: 5,
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ name: 'f', input_schema: { type: 'object' }, strict: true }],
    });
    expect(anthropic.params.tools).toEqual([{ name: 'f', parameters: { type: 'object' }, strict: true }]);
  });

  it('requires max_tokens, as Anthropic does', () => {
    expect(fieldsOf(() => parseMessagesRequest({ model: 'x', messages: [{ role: 'user', content: 'hi' }] }))).toEqual(['max_tokens']);
  });
});

const start: StreamStart = {
  requestId: '0b6c7c3e-0000-4000-8000-000000000001',
  target: { id: 'mock/echo', providerId: 'mock', model: 'echo', provider: {} as never },
  requestedModel: 'mock/echo',
  attempts: 1,
  estimatedInputTokens: 5,
  createdAt: new Date(1_700_000_000_000),
  headers: {},
};

describe('stream writers', () => {
  it('OpenAI: role chunk, content chunks, finish chunk, usage chunk with cost', () => {
    const w = new OpenAiChunkWriter();
    expect(w.start(start)).toMatchObject({
      id: `chatcmpl-${start.requestId}`,
      object: 'chat.completion.chunk',
      model: 'mock/echo',
      choices: [{ delta: { role: 'assistant' } }],
    });
    expect(w.event({ type: 'text', text: 'Hi' })).toMatchObject({ choices: [{ delta: { content: 'Hi' }, finish_reason: null }] });
    expect(w.event({ type: 'finish', finishReason: 'length' })).toMatchObject({ choices: [{ finish_reason: 'length' }] });
    const usage = w.usage({
      usage: { inputTokens: 3, outputTokens: 4 },
      costUsd: '0.0001',
      priceUnknown: false,
      finishReason: 'stop',
      latencyMs: 1,
      attempts: 1,
    });
    expect(usage).toMatchObject({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7, cost_usd: '0.0001' } });
  });

  it("OpenAI: a text event's logprobs become the chunk's logprobs, in OpenAI's shape; null without them", () => {
    const w = new OpenAiChunkWriter();
    w.start(start);
    const token = { token: 'Hi', logprob: -0.01, bytes: [72, 105], topLogprobs: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105] }] };
    expect(w.event({ type: 'text', text: 'Hi', logprobs: [token] })).toMatchObject({
      choices: [
        {
          delta: { content: 'Hi' },
          logprobs: {
            content: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105], top_logprobs: [{ token: 'Hi', logprob: -0.01, bytes: [72, 105] }] }],
            refusal: null,
          },
        },
      ],
    });
    expect(w.event({ type: 'text', text: 'Hi' })).toMatchObject({ choices: [{ logprobs: null }] });
  });

  it("OpenAI, n > 1: each choice's chunks keep its index, another choice opens with its role, and the finish chunk has every choice", () => {
    const w = new OpenAiChunkWriter();
    w.start(start);
    const choices = (event: Parameters<OpenAiChunkWriter['event']>[0]) => w.event(event)?.choices;
    expect(choices({ type: 'text', text: 'a' })).toEqual([{ index: 0, delta: { content: 'a' }, logprobs: null, finish_reason: null }]);
    expect(choices({ type: 'text', text: 'b', choice: 1 })).toEqual([
      { index: 1, delta: { role: 'assistant', content: 'b' }, logprobs: null, finish_reason: null },
    ]);
    expect(choices({ type: 'text', text: 'c', choice: 1 })).toEqual([{ index: 1, delta: { content: 'c' }, logprobs: null, finish_reason: null }]);
    expect(
      choices({
        type: 'finish',
        finishReason: 'stop',
        otherFinishes: [
          { choice: 1, finishReason: 'length' },
          { choice: 2, finishReason: 'stop' },
        ],
      }),
    ).toEqual([
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      { index: 1, delta: {}, logprobs: null, finish_reason: 'length' },
      // choice 2 sent no text: its role comes with its finish
      { index: 2, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: 'stop' },
    ]);
  });

  it('OpenAI usage always has the token details objects OpenAI sends, zero when there is nothing to count', () => {
    expect(openAiUsage({ inputTokens: 3, outputTokens: 4 }, '0.0001')).toEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 7,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
      cost_usd: '0.0001',
    });
    expect(openAiUsage({ inputTokens: 30, outputTokens: 40, cachedInputTokens: 20, reasoningTokens: 12 }, null)).toMatchObject({
      prompt_tokens_details: { cached_tokens: 20 },
      completion_tokens_details: { reasoning_tokens: 12 },
    });
  });

  it("OpenAI: a refusal's pieces are delta.refusal, never content", () => {
    const w = new OpenAiChunkWriter();
    w.start(start);
    expect(w.event({ type: 'refusal', text: "I can't" })?.choices).toEqual([{ index: 0, delta: { refusal: "I can't" }, logprobs: null, finish_reason: null }]);
    expect(w.event({ type: 'refusal', text: ' help', choice: 1 })?.choices).toEqual([
      { index: 1, delta: { role: 'assistant', refusal: ' help' }, logprobs: null, finish_reason: null },
    ]);
  });

  it('Anthropic: a refusal is written as text, and the message stops with stop_reason refusal', () => {
    const w = new AnthropicEventWriter();
    const events = [
      ...w.start(start),
      ...w.event({ type: 'refusal', text: "I can't" }),
      ...w.event({ type: 'refusal', text: ' help.' }),
      ...w.event({ type: 'finish', finishReason: 'stop' }),
      ...w.finish({ usage: { inputTokens: 3, outputTokens: 4 }, costUsd: '0.1', priceUnknown: false, finishReason: 'stop', latencyMs: 1, attempts: 1 }),
    ];
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.slice(2, 4).map((e) => e.data.delta)).toEqual([
      { type: 'text_delta', text: "I can't" },
      { type: 'text_delta', text: ' help.' },
    ]);
    // another provider's refusal names no category, and explains itself with its words
    expect(events[5].data.delta).toEqual({
      stop_reason: 'refusal',
      stop_sequence: null,
      stop_details: { type: 'refusal', category: null, explanation: "I can't help." },
      container: null,
    });
  });

  it('Anthropic: a provider’s own stop_details are passed on; a stop that is no refusal has none', () => {
    const summary = {
      usage: { inputTokens: 3, outputTokens: 4 },
      costUsd: '0.1',
      priceUnknown: false,
      finishReason: 'content_filter' as const,
      latencyMs: 1,
      attempts: 1,
    };
    const refused = new AnthropicEventWriter();
    refused.start(start);
    refused.event({ type: 'text', text: 'word1' });
    refused.event({ type: 'finish', finishReason: 'content_filter', refusalDetails: { category: 'cyber', explanation: 'Could enable cyber harm.' } });
    expect(refused.finish(summary)[1].data.delta).toMatchObject({
      stop_reason: 'refusal',
      stop_details: { type: 'refusal', category: 'cyber', explanation: 'Could enable cyber harm.' },
    });

    // a content filter that says nothing: a refusal without explanation
    const filtered = new AnthropicEventWriter();
    filtered.start(start);
    filtered.event({ type: 'finish', finishReason: 'content_filter' });
    expect(filtered.finish(summary)[0].data.delta).toMatchObject({ stop_details: { type: 'refusal', category: null, explanation: null } });

    const plain = new AnthropicEventWriter();
    plain.start(start);
    plain.event({ type: 'text', text: 'hi' });
    plain.event({ type: 'finish', finishReason: 'stop' });
    expect(plain.finish({ ...summary, finishReason: 'stop' })[1].data.delta).toEqual({
      stop_reason: 'end_turn',
      stop_sequence: null,
      stop_details: null,
      container: null,
    });
  });

  it('Anthropic: the documented event sequence, blocks opened and closed around text and tool use', () => {
    const w = new AnthropicEventWriter();
    const events = [
      ...w.start(start),
      ...w.event({ type: 'text', text: 'a' }),
      ...w.event({ type: 'text', text: 'b' }),
      ...w.event({ type: 'tool_call_delta', index: 0, id: 'c1', name: 'f' }),
      ...w.event({ type: 'tool_call_delta', index: 0, argumentsDelta: '{}' }),
      ...w.event({ type: 'finish', finishReason: 'tool_calls' }),
      ...w.finish({ usage: { inputTokens: 3, outputTokens: 4 }, costUsd: null, priceUnknown: true, finishReason: 'tool_calls', latencyMs: 1, attempts: 1 }),
    ];
    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[8].data).toMatchObject({ delta: { stop_reason: 'tool_use' }, usage: { input_tokens: 3, output_tokens: 4, cost_usd: null } });
  });
});
