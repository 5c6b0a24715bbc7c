import type Anthropic from '@anthropic-ai/sdk';
import {
  AnthropicStreamReader,
  fromAnthropicMessage,
  responseFormatToolName,
  toAnthropicParams,
  toImageBlock,
  toTokenUsage,
} from '@src/llm/providers/anthropic/anthropic.mapper';
import { ProviderError } from '@src/llm/providers/llm-provider';

function message(overrides: Partial<Anthropic.Message>): Anthropic.Message {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5',
    content: [],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 5, cache_read_input_tokens: null, cache_creation_input_tokens: null },
    ...overrides,
  } as Anthropic.Message;
}

describe('toAnthropicParams', () => {
  it("sends the system prompt as `system` and, without max_tokens, the model's own maximum output", () => {
    const params = toAnthropicParams({ model: 'claude-sonnet-4-5', system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
    expect(params).toEqual({ model: 'claude-sonnet-4-5', max_tokens: 64_000, system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it.each([
    ['claude-3-haiku-20240307', 4_096],
    ['claude-3-opus-20240229', 4_096],
    ['claude-3-5-haiku-latest', 8_192],
    ['claude-3-5-sonnet-20241022', 8_192],
    ['claude-3-7-sonnet-20250219', 64_000],
    ['claude-sonnet-4', 64_000],
    ['claude-sonnet-4-20250514', 64_000],
    ['claude-sonnet-4-5-20250929', 64_000],
    ['claude-opus-4-0', 32_000],
    ['claude-opus-4-1', 32_000],
    ['claude-opus-4-5', 64_000],
    ['claude-haiku-4-5', 64_000],
    // a model of no known family: what every Claude model since the 3 family can write
    ['claude-next-preview', 4_096],
  ])('defaults max_tokens for %s to %d', (model, max) => {
    expect(toAnthropicParams({ model, messages: [{ role: 'user', content: 'Hi' }] }).max_tokens).toBe(max);
  });

  it('leaves a long prompt its room in the 200,000-token context window (with headroom for the other tokenizer), never below 1,024', () => {
    const params = (promptTokensEstimate: number) =>
      toAnthropicParams({ model: 'claude-sonnet-4-5', promptTokensEstimate, messages: [{ role: 'user', content: 'Hi' }] });
    expect(params(1_000).max_tokens).toBe(64_000);
    // 200,000 - 1.3 × 120,000
    expect(params(120_000).max_tokens).toBe(44_000);
    expect(params(150_000).max_tokens).toBe(5_000);
    expect(params(180_000).max_tokens).toBe(1_024);
    // a cap the caller set is sent as it is: the provider says when it does not fit
    expect(toAnthropicParams({ model: 'claude-sonnet-4-5', maxTokens: 60_000, promptTokensEstimate: 150_000, messages: [] }).max_tokens).toBe(60_000);
  });

  it("keeps the caller's max_tokens, above or below the model's default", () => {
    expect(toAnthropicParams({ model: 'claude-3-haiku-20240307', maxTokens: 100, messages: [{ role: 'user', content: 'Hi' }] }).max_tokens).toBe(100);
    expect(toAnthropicParams({ model: 'claude-3-haiku-20240307', maxTokens: 9_000, messages: [{ role: 'user', content: 'Hi' }] }).max_tokens).toBe(9_000);
  });

  it('moves inline system messages into `system` after the request-level one', () => {
    const params = toAnthropicParams({
      model: 'm',
      system: 'First.',
      messages: [
        { role: 'system', content: 'Second.' },
        { role: 'user', content: 'Hi' },
      ],
      maxTokens: 20,
      stop: ['END'],
    });
    expect(params).toMatchObject({ system: 'First.\n\nSecond.', max_tokens: 20, stop_sequences: ['END'], messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('maps OpenAI-style tools and tool choices to Anthropic tools', () => {
    const params = toAnthropicParams({
      model: 'm',
      messages: [{ role: 'user', content: 'Weather?' }],
      tools: [
        { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      ],
      toolChoice: 'required',
    });
    expect(params.tools).toEqual([
      { name: 'get_weather', description: 'Weather now', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
    ]);
    expect(params.tool_choice).toEqual({ type: 'any' });
    const f = [{ name: 'f', parameters: {} }];
    expect(toAnthropicParams({ model: 'm', messages: [], tools: f, toolChoice: { name: 'f' } }).tool_choice).toEqual({ type: 'tool', name: 'f' });
    expect(toAnthropicParams({ model: 'm', messages: [], tools: f, toolChoice: 'none' }).tool_choice).toEqual({ type: 'none' });
  });

  it('sends no tool_choice without tools, which Anthropic refuses (auto and none change nothing there)', () => {
    for (const toolChoice of ['auto', 'none'] as const) {
      expect(toAnthropicParams({ model: 'm', messages: [], toolChoice })).not.toHaveProperty('tool_choice');
      expect(toAnthropicParams({ model: 'm', messages: [], tools: [], toolChoice, parallelToolCalls: false })).not.toHaveProperty('tool_choice');
    }
  });

  it('marks a failed tool result is_error', () => {
    const params = toAnthropicParams({ model: 'm', messages: [{ role: 'tool', toolCallId: 't1', content: 'timeout', isError: true }] });
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: 'timeout' }], is_error: true }] },
    ]);
  });

  it('passes strict on a tool', () => {
    const params = toAnthropicParams({ model: 'm', messages: [], tools: [{ name: 'f', parameters: { type: 'object' }, strict: true }] });
    expect(params.tools).toEqual([{ name: 'f', input_schema: { type: 'object' }, strict: true }]);
  });

  it('turns assistant tool calls into tool_use blocks and tool results into one user turn of tool_result blocks', () => {
    const params = toAnthropicParams({
      model: 'm',
      messages: [
        { role: 'user', content: 'Weather in Paris and Rome?' },
        {
          role: 'assistant',
          content: 'Checking.',
          toolCalls: [
            { id: 'tu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { id: 'tu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', toolCallId: 'tu_1', content: 'sunny' },
        { role: 'tool', toolCallId: 'tu_2', content: 'rain' },
      ],
    });
    expect(params.messages).toEqual([
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'tu_2', name: 'get_weather', input: { city: 'Rome' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'tu_1', content: [{ type: 'text', text: 'sunny' }] },
          { type: 'tool_result', tool_use_id: 'tu_2', content: [{ type: 'text', text: 'rain' }] },
        ],
      },
    ]);
  });

  it('rejects tool call arguments that are not a JSON object', () => {
    const req = { model: 'm', messages: [{ role: 'assistant' as const, content: '', toolCalls: [{ id: 't', name: 'f', arguments: '[1' }] }] };
    expect(() => toAnthropicParams(req)).toThrow(expect.objectContaining({ kind: 'bad_request' }));
  });

  it('maps image parts to image blocks', () => {
    const params = toAnthropicParams({
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What?' },
            { type: 'image', url: 'data:image/png;base64,iVBOR' },
          ],
        },
      ],
    });
    expect(params.messages[0]?.content).toEqual([
      { type: 'text', text: 'What?' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBOR' } },
    ]);
  });
});

describe('toImageBlock', () => {
  it('uses a URL source for https images', () => {
    expect(toImageBlock('https://x.test/a.jpg')).toEqual({ type: 'image', source: { type: 'url', url: 'https://x.test/a.jpg' } });
  });

  it('refuses data URLs of a type Anthropic does not take', () => {
    expect(() => toImageBlock('data:image/bmp;base64,Qk0=')).toThrow(ProviderError);
  });
});

describe('toTokenUsage', () => {
  it('reports the total prompt as input, with cache reads and writes as subsets', () => {
    expect(toTokenUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 1000, cache_creation_input_tokens: 200 })).toEqual({
      inputTokens: 1210,
      outputTokens: 5,
      cachedInputTokens: 1000,
      cacheWriteTokens: 200,
    });
  });

  it('reports the 1-hour cache writes as a subset of the writes', () => {
    const usage = {
      input_tokens: 10,
      output_tokens: 5,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 300,
      cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
    };
    expect(toTokenUsage(usage)).toEqual({ inputTokens: 310, outputTokens: 5, cacheWriteTokens: 300, cacheWrite1hTokens: 200 });
    expect(toTokenUsage({ ...usage, cache_creation: { ephemeral_5m_input_tokens: 300, ephemeral_1h_input_tokens: 0 } })).toEqual({
      inputTokens: 310,
      outputTokens: 5,
      cacheWriteTokens: 300,
    });
  });

  it('takes the writes from cache_creation when the total is missing', () => {
    expect(toTokenUsage({ input_tokens: 1, output_tokens: 1, cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 } })).toEqual({
      inputTokens: 8,
      outputTokens: 1,
      cacheWriteTokens: 7,
      cacheWrite1hTokens: 4,
    });
  });

  it('leaves the cache fields out when nothing was cached', () => {
    expect(toTokenUsage({ input_tokens: 10, output_tokens: 5, cache_read_input_tokens: 0, cache_creation_input_tokens: null })).toEqual({
      inputTokens: 10,
      outputTokens: 5,
    });
  });
});

describe('fromAnthropicMessage', () => {
  it('joins text blocks and reads tool_use blocks as tool calls', () => {
    const result = fromAnthropicMessage(
      message({
        content: [
          { type: 'text', text: 'Let me check. ', citations: null },
          { type: 'tool_use', id: 'tu_1', name: 'get_weather', input: { city: 'Paris' } },
        ] as Anthropic.ContentBlock[],
        stop_reason: 'tool_use',
      }),
    );
    expect(result).toEqual({
      text: 'Let me check. ',
      toolCalls: [{ id: 'tu_1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      finishReason: 'tool_calls',
      usage: { inputTokens: 10, outputTokens: 5 },
      model: 'claude-sonnet-4-5',
    });
  });

  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['max_tokens', 'length'],
    ['tool_use', 'tool_calls'],
    ['refusal', 'content_filter'],
  ] as const)('maps stop_reason %s to %s', (stopReason, finishReason) => {
    expect(fromAnthropicMessage(message({ stop_reason: stopReason })).finishReason).toBe(finishReason);
  });

  it('keeps the stop sequence that ended the output', () => {
    const result = fromAnthropicMessage(message({ stop_reason: 'stop_sequence', stop_sequence: 'END' }));
    expect(result).toMatchObject({ finishReason: 'stop', stopSequence: 'END' });
    expect(fromAnthropicMessage(message({})).stopSequence).toBeUndefined();
  });

  it('keeps why Claude refused (stop_details), and nothing for another stop', () => {
    const details = { type: 'refusal', category: 'bio', explanation: 'Could enable biological harm.' } as const;
    expect(fromAnthropicMessage(message({ stop_reason: 'refusal', stop_details: details }))).toMatchObject({
      finishReason: 'content_filter',
      refusalDetails: { category: 'bio', explanation: 'Could enable biological harm.' },
    });
    expect(
      fromAnthropicMessage(message({ stop_reason: 'refusal', stop_details: { type: 'refusal', category: null, explanation: null } })).refusalDetails,
    ).toEqual({ category: null, explanation: null });
    // an older answer without stop_details, or another stop: no details to pass on
    expect(fromAnthropicMessage(message({ stop_reason: 'refusal' })).refusalDetails).toBeUndefined();
    expect(fromAnthropicMessage(message({ stop_details: null })).refusalDetails).toBeUndefined();
  });
});

describe(AnthropicStreamReader.name, () => {
  const start = {
    type: 'message_start',
    message: message({ usage: { input_tokens: 20, output_tokens: 1, cache_read_input_tokens: 100, cache_creation_input_tokens: 0 } as Anthropic.Usage }),
  } as Anthropic.RawMessageStreamEvent;
  const events = [
    start,
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '', citations: null } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
    { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
    { type: 'content_block_stop', index: 0 },
    { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'tu_1', name: 'f', input: {} } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"a":' } },
    { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
    { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 17 } },
    { type: 'message_stop' },
  ] as Anthropic.RawMessageStreamEvent[];

  it('emits text and tool call deltas as the events arrive', () => {
    const sut = new AnthropicStreamReader();
    expect(events.flatMap((e) => sut.read(e))).toEqual([
      { type: 'text', text: 'Hel' },
      // the prompt as message_start reported it, for a stream that breaks before its end
      { type: 'usage', usage: { inputTokens: 120, outputTokens: 1, cachedInputTokens: 100 }, partial: true },
      { type: 'text', text: 'lo' },
      { type: 'tool_call_delta', index: 0, id: 'tu_1', name: 'f' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '{"a":' },
      { type: 'tool_call_delta', index: 0, argumentsDelta: '1}' },
    ]);
    expect(sut.stopped).toBe(true);
  });

  it('reports no start usage when message_start gives no prompt size', () => {
    const sut = new AnthropicStreamReader();
    const bare = { type: 'message_start', message: message({ usage: {} as Anthropic.Usage }) } as Anthropic.RawMessageStreamEvent;
    expect([bare, ...events.slice(1, 3)].flatMap((e) => sut.read(e))).toEqual([{ type: 'text', text: 'Hel' }]);
  });

  it('combines input usage from message_start with output usage from message_delta', () => {
    const sut = new AnthropicStreamReader();
    events.forEach((e) => sut.read(e));
    expect(sut.finish()).toEqual([
      { type: 'usage', usage: { inputTokens: 120, outputTokens: 17, cachedInputTokens: 100 } },
      { type: 'finish', finishReason: 'tool_calls' },
    ]);
  });

  it('keeps the 1-hour cache writes that message_start reports', () => {
    const sut = new AnthropicStreamReader();
    const usage = {
      input_tokens: 2,
      output_tokens: 1,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 10,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 10 },
    } as Anthropic.Usage;
    [
      { type: 'message_start', message: message({ usage }) },
      // message_delta repeats the totals without the split, as Anthropic does
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 4, cache_creation_input_tokens: 10 } },
      { type: 'message_stop' },
    ].forEach((e) => sut.read(e as Anthropic.RawMessageStreamEvent));
    expect(sut.finish()[0]).toEqual({ type: 'usage', usage: { inputTokens: 12, outputTokens: 4, cacheWriteTokens: 10, cacheWrite1hTokens: 10 } });
  });

  it('names the stop sequence from message_delta in the finish event', () => {
    const sut = new AnthropicStreamReader();
    [
      start,
      { type: 'message_delta', delta: { stop_reason: 'stop_sequence', stop_sequence: 'END' }, usage: { output_tokens: 3 } },
      { type: 'message_stop' },
    ].forEach((e) => sut.read(e as Anthropic.RawMessageStreamEvent));
    expect(sut.finish().at(-1)).toEqual({ type: 'finish', finishReason: 'stop', stopSequence: 'END' });
  });

  it('passes a refusal’s stop_details from message_delta on in the finish event', () => {
    const sut = new AnthropicStreamReader();
    const details = { type: 'refusal', category: 'cyber', explanation: 'Could enable cyber harm.' };
    [
      start,
      { type: 'message_delta', delta: { stop_reason: 'refusal', stop_sequence: null, stop_details: details }, usage: { output_tokens: 3 } },
      { type: 'message_stop' },
    ].forEach((e) => sut.read(e as Anthropic.RawMessageStreamEvent));
    expect(sut.finish().at(-1)).toEqual({
      type: 'finish',
      finishReason: 'content_filter',
      refusalDetails: { category: 'cyber', explanation: 'Could enable cyber harm.' },
    });
  });

  it('is not stopped until message_stop arrives', () => {
    const sut = new AnthropicStreamReader();
    events.slice(0, -1).forEach((e) => sut.read(e));
    expect(sut.stopped).toBe(false);
  });
});

describe('response_format through a forced tool', () => {
  const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
  const jsonSchema = { type: 'json_schema' as const, jsonSchema: { name: 'place', schema, strict: true } };

  it('adds one tool with the schema as input_schema and forces it with tool_choice', () => {
    const params = toAnthropicParams({ model: 'm', messages: [{ role: 'user', content: 'Where?' }], responseFormat: jsonSchema });
    expect(params.tools).toEqual([{ name: 'place', description: expect.stringContaining('this tool'), input_schema: schema, strict: true }]);
    expect(params.tool_choice).toEqual({ type: 'tool', name: 'place' });
    expect(responseFormatToolName({ responseFormat: jsonSchema })).toBe('place');
  });

  it('gives json_object a json_response tool that takes any object', () => {
    const params = toAnthropicParams({ model: 'm', messages: [{ role: 'user', content: 'JSON' }], responseFormat: { type: 'json_object' } });
    expect(params.tools).toEqual([{ name: 'json_response', description: expect.any(String), input_schema: { type: 'object', additionalProperties: true } }]);
    expect(params.tool_choice).toEqual({ type: 'tool', name: 'json_response' });
    expect(responseFormatToolName({ responseFormat: { type: 'json_object' } })).toBe('json_response');
    expect(responseFormatToolName({})).toBeUndefined();
  });

  it("answers the tool's input as the text, finishing with stop and no tool calls", () => {
    const result = fromAnthropicMessage(
      message({ content: [{ type: 'tool_use', id: 'toolu_1', name: 'place', input: { city: 'Oslo' } } as Anthropic.ToolUseBlock], stop_reason: 'tool_use' }),
      'place',
    );
    expect(result).toEqual({ text: '{"city":"Oslo"}', finishReason: 'stop', usage: { inputTokens: 10, outputTokens: 5 }, model: 'claude-sonnet-4-5' });
  });

  it('keeps a cut-off answer a length finish', () => {
    const result = fromAnthropicMessage(message({ content: [], stop_reason: 'max_tokens' }), 'place');
    expect(result).toMatchObject({ text: '', finishReason: 'length' });
    expect(result.toolCalls).toBeUndefined();
  });

  it("streams the tool's input_json_delta pieces as text deltas and finishes with stop", () => {
    const sut = new AnthropicStreamReader('place');
    const events = [
      { type: 'message_start', message: message({ usage: { input_tokens: 7, output_tokens: 1 } as Anthropic.Usage }) },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_1', name: 'place', input: {} } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: '{"city":' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: ' "Oslo"}' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ] as unknown as Anthropic.RawMessageStreamEvent[];
    const out = events.flatMap((e) => sut.read(e));
    expect(out).toEqual([
      { type: 'text', text: '{"city":' },
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 1 }, partial: true },
      { type: 'text', text: ' "Oslo"}' },
    ]);
    expect(sut.finish()).toEqual([
      { type: 'usage', usage: { inputTokens: 7, outputTokens: 9 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  describe("beside the caller's own tools", () => {
    const lookup = { name: 'lookup', parameters: { type: 'object', properties: {} } };
    const params = (toolChoice?: Parameters<typeof toAnthropicParams>[0]['toolChoice'], parallelToolCalls?: boolean) =>
      toAnthropicParams({
        model: 'm',
        messages: [{ role: 'user', content: 'Where?' }],
        responseFormat: jsonSchema,
        tools: [lookup],
        toolChoice,
        parallelToolCalls,
      });
    const names = (p: ReturnType<typeof toAnthropicParams>) => (p.tools ?? []).map((t) => (t as Anthropic.Tool).name);

    it('lets the model use any of them and the format tool; a named tool stays forced, required leaves the format out, none leaves it alone', () => {
      expect([names(params()), params().tool_choice]).toEqual([['lookup', 'place'], { type: 'any' }]);
      expect(params('auto', false).tool_choice).toEqual({ type: 'any', disable_parallel_tool_use: true });
      expect([names(params({ name: 'lookup' })), params({ name: 'lookup' }).tool_choice]).toEqual([['lookup', 'place'], { type: 'tool', name: 'lookup' }]);
      expect([names(params('required')), params('required').tool_choice]).toEqual([['lookup'], { type: 'any' }]);
      expect([names(params('none')), params('none').tool_choice]).toEqual([['place'], { type: 'tool', name: 'place' }]);
    });

    it('refuses a tool of the caller named as the schema is', () => {
      expect(() =>
        toAnthropicParams({ model: 'm', messages: [{ role: 'user', content: 'x' }], responseFormat: jsonSchema, tools: [{ ...lookup, name: 'place' }] }),
      ).toThrow(expect.objectContaining({ name: 'ProviderError', kind: 'bad_request' }));
    });

    it("answers a call of the caller's tool as a tool call (text blocks dropped), and the format tool as the text", () => {
      const called = fromAnthropicMessage(
        message({
          content: [
            { type: 'text', text: 'Let me look.' } as Anthropic.TextBlock,
            { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} } as Anthropic.ToolUseBlock,
          ],
          stop_reason: 'tool_use',
        }),
        'place',
      );
      expect(called).toMatchObject({ text: '', toolCalls: [{ id: 'toolu_1', name: 'lookup', arguments: '{}' }], finishReason: 'tool_calls' });
    });

    it("streams a call of the caller's tool as tool call deltas and finishes with tool_calls", () => {
      const sut = new AnthropicStreamReader('place');
      const events = [
        { type: 'message_start', message: message({ usage: { input_tokens: 7, output_tokens: 1 } as Anthropic.Usage }) },
        { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
        { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Let me look.' } },
        { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: {} } },
        { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{}' } },
        { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
        { type: 'message_stop' },
      ] as unknown as Anthropic.RawMessageStreamEvent[];
      expect(events.flatMap((e) => sut.read(e))).toEqual([
        { type: 'tool_call_delta', index: 0, id: 'toolu_1', name: 'lookup' },
        { type: 'usage', usage: { inputTokens: 7, outputTokens: 1 }, partial: true },
        { type: 'tool_call_delta', index: 0, argumentsDelta: '{}' },
      ]);
      expect(sut.finish().at(-1)).toEqual({ type: 'finish', finishReason: 'tool_calls' });
    });
  });
});
