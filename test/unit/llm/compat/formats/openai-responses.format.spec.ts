import { AppError } from '@src/common/errors/app-error';
import { ResponsesEventWriter } from '@src/llm/compat/formats/openai-responses-output.format';
import { parseResponsesRequest } from '@src/llm/compat/formats/openai-responses.format';
import { decodeThinkingBlock, encodeThinkingBlock } from '@src/llm/compat/formats/thinking-fields';
import type { StreamStart, StreamSummary } from '@src/llm/generation/generation.types';
import { fieldsOf } from '@test/support/validation-errors';

describe('parseResponsesRequest', () => {
  it('reads input items into the neutral conversation: function calls join the assistant turn, outputs become tool messages', () => {
    const parsed = parseResponsesRequest({
      model: 'openai/gpt-4o-mini',
      instructions: 'Be brief.',
      input: [
        { role: 'user', content: 'Weather?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'c2', name: 'lookup', arguments: '{"city":"Rome"}' },
        { type: 'function_call_output', call_id: 'c1', output: '21' },
        { type: 'reasoning', id: 'rs_1', summary: [] },
        { type: 'function_call_output', call_id: 'c2', output: [{ type: 'input_text', text: '25' }] },
      ],
      max_output_tokens: 40,
      tools: [{ type: 'function', name: 'lookup', parameters: null, strict: null }],
      tool_choice: { type: 'function', name: 'lookup' },
      parallel_tool_calls: false,
      text: { format: { type: 'json_schema', name: 'w', schema: { type: 'object' }, strict: true } },
    });
    expect(parsed).toMatchObject({
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant',
          content: [{ type: 'text', text: 'Let me look.' }],
          toolCalls: [
            { id: 'c1', name: 'lookup', arguments: '{"city":"Paris"}' },
            { id: 'c2', name: 'lookup', arguments: '{"city":"Rome"}' },
          ],
        },
        { role: 'tool', toolCallId: 'c1', content: '21' },
        { role: 'tool', toolCallId: 'c2', content: [{ type: 'text', text: '25' }] },
      ],
      params: {
        maxTokens: 40,
        tools: [{ name: 'lookup', parameters: { type: 'object', properties: {} } }],
        toolChoice: { name: 'lookup' },
        parallelToolCalls: false,
        responseFormat: { type: 'json_schema', jsonSchema: { name: 'w', schema: { type: 'object' }, strict: true } },
      },
      echo: { instructions: 'Be brief.', max_output_tokens: 40, parallel_tool_calls: false, tool_choice: { type: 'function', name: 'lookup' } },
    });
    expect(parsed.messages).toHaveLength(4);
  });

  it('names a max_output_tokens that is no token count', () => {
    for (const bad of [0, 2_147_483_648, 1e300])
      expect(fieldsOf(() => parseResponsesRequest({ model: 'm', input: 'x', max_output_tokens: bad }))).toEqual(['max_output_tokens']);
  });

  it('names every refused field at once', () => {
    expect(
      fieldsOf(() =>
        parseResponsesRequest({
          model: 'openai/gpt-4o-mini',
          input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }],
          previous_response_id: 'resp_1',
          tools: [{ type: 'web_search' }],
        }),
      ),
    ).toEqual(['previous_response_id', 'input[0].content[0].file_data', 'tools[0].type']);
  });
});

const start: StreamStart = {
  requestId: 'r1',
  target: { id: 'mock/echo', providerId: 'mock', model: 'echo', provider: {} as never },
  requestedModel: 'mock/echo',
  attempts: 1,
  estimatedInputTokens: 5,
  createdAt: new Date(1_700_000_000_000),
  headers: {},
};

const summary: StreamSummary = {
  usage: { inputTokens: 5, outputTokens: 3 },
  costUsd: '0.001',
  priceUnknown: false,
  finishReason: 'stop',
  latencyMs: 1,
  attempts: 1,
};

describe(ResponsesEventWriter.name, () => {
  it('streams a reasoning item before the message, closed when the answer starts; an answer that only reasoned has its empty message', () => {
    const sut = new ResponsesEventWriter({});
    const events = [
      ...sut.start(start),
      ...sut.event({ type: 'thinking', text: 'Be' }),
      ...sut.event({ type: 'thinking', text: 'cause.' }),
      ...sut.event({ type: 'text', text: 'Yes.' }),
      ...sut.event({ type: 'finish', finishReason: 'stop' }),
      ...sut.finish(summary),
    ];
    expect(events.slice(2, 9).map((e) => e.event)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
    ]);
    expect(events[6].data).toMatchObject({ item_id: 'rs_r1', output_index: 0, content_index: 0, text: 'Because.' });
    expect(events.at(-1)!.data.response).toMatchObject({
      output: [
        { type: 'reasoning', id: 'rs_r1', summary: [], content: [{ type: 'reasoning_text', text: 'Because.' }], status: 'completed' },
        { type: 'message', id: 'msg_r1', content: [{ type: 'output_text', text: 'Yes.' }] },
      ],
    });

    const onlyReasoned = new ResponsesEventWriter({});
    onlyReasoned.start(start);
    onlyReasoned.event({ type: 'thinking', text: 'Hmm.' });
    onlyReasoned.event({ type: 'finish', finishReason: 'length' });
    expect(onlyReasoned.finish(summary)[0].data.response).toMatchObject({
      status: 'incomplete',
      output: [{ type: 'reasoning' }, { type: 'message', content: [{ type: 'output_text', text: '' }], status: 'incomplete' }],
    });
  });

  it('makes each signed thinking block a reasoning item of its own, closed by its signature, the block in encrypted_content', () => {
    const sut = new ResponsesEventWriter({});
    const events = [
      ...sut.start(start),
      ...sut.event({ type: 'thinking', text: 'Be' }),
      ...sut.event({ type: 'thinking', text: 'cause.' }),
      ...sut.event({ type: 'thinking_signature', signature: 'sig-1' }),
      ...sut.event({ type: 'redacted_thinking', data: 'opaque' }),
      ...sut.event({ type: 'thinking_signature', signature: 'sig-2' }),
      ...sut.event({ type: 'text', text: 'Yes.' }),
      ...sut.event({ type: 'finish', finishReason: 'stop' }),
      ...sut.finish(summary),
    ];
    // the text streamed, then its item done; a redacted block and a block showing no text come whole
    expect(events.slice(2, 13).map((e) => e.event)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.reasoning_text.delta',
      'response.reasoning_text.delta',
      'response.reasoning_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.done',
      'response.output_item.added',
      'response.output_item.done',
    ]);
    type Item = { id: string; type: string; encrypted_content?: string; content?: unknown[] };
    const { output } = events.at(-1)!.data.response as { output: Item[] };
    expect(output.map((item) => [item.type, item.id])).toEqual([
      ['reasoning', 'rs_r1'],
      ['reasoning', 'rs_r1_1'],
      ['reasoning', 'rs_r1_2'],
      ['message', 'msg_r1'],
    ]);
    expect(output.slice(0, 3).map((item) => decodeThinkingBlock(item.encrypted_content!))).toEqual([
      { type: 'thinking', thinking: 'Because.', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'thinking', thinking: '', signature: 'sig-2' },
    ]);
    expect(output[0].content).toEqual([{ type: 'reasoning_text', text: 'Because.' }]);
    expect(output[1].content).toEqual([]);
  });

  it('reads reasoning items back: the blocks LLMHub sealed open the turn the message and calls join; others are left out', () => {
    const sealed = encodeThinkingBlock({ type: 'thinking', thinking: 'Because.', signature: 'sig-1' });
    const parsed = parseResponsesRequest({
      model: 'anthropic/claude-haiku-4-5',
      input: [
        { role: 'user', content: 'hi' },
        { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: sealed },
        { type: 'reasoning', id: 'rs_x', summary: [], encrypted_content: 'gAAAAABnotours' },
        { type: 'reasoning', id: 'rs_y', summary: [], content: [{ type: 'reasoning_text', text: 'unsigned' }] },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Let me look.' }] },
        { type: 'function_call', call_id: 'c1', name: 'lookup', arguments: '{}' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
    });
    expect(parsed.messages).toEqual([
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: [{ type: 'text', text: 'Let me look.' }],
        reasoning: [{ type: 'thinking', thinking: 'Because.', signature: 'sig-1' }],
        toolCalls: [{ id: 'c1', name: 'lookup', arguments: '{}' }],
      },
      { role: 'tool', content: 'ok', toolCallId: 'c1' },
    ]);
    expect(fieldsOf(() => parseResponsesRequest({ model: 'm', input: [{ type: 'reasoning', id: 'rs', summary: [], encrypted_content: 7 }] }))).toEqual([
      'input[0].encrypted_content',
    ]);
  });

  it('closes the message before a function call opens, numbering every event in order', () => {
    const sut = new ResponsesEventWriter({});
    const events = [
      ...sut.start(start),
      ...sut.event({ type: 'text', text: 'Let me ' }),
      ...sut.event({ type: 'text', text: 'look.' }),
      ...sut.event({ type: 'tool_call_delta', index: 0, id: 'call_1', name: 'lookup' }),
      ...sut.event({ type: 'tool_call_delta', index: 0, argumentsDelta: '{"city":' }),
      ...sut.event({ type: 'tool_call_delta', index: 0, argumentsDelta: '"Paris"}' }),
      ...sut.event({ type: 'finish', finishReason: 'tool_calls' }),
      ...sut.finish(summary),
    ];
    expect(events.map((e) => e.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => e.data.type)).toEqual(events.map((e) => e.event));
    expect(events[12].data).toMatchObject({ item_id: 'fc_r1_0', output_index: 1, name: 'lookup', arguments: '{"city":"Paris"}' });
    expect(events.at(-1)!.data.response).toMatchObject({
      id: 'resp_r1',
      status: 'completed',
      output: [
        { type: 'message', id: 'msg_r1', content: [{ type: 'output_text', text: 'Let me look.' }] },
        { type: 'function_call', id: 'fc_r1_0', call_id: 'call_1', name: 'lookup', arguments: '{"city":"Paris"}', status: 'completed' },
      ],
      usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8, cost_usd: '0.001' },
    });
  });

  it('answers an empty message for a stream with no output, and ends with response.incomplete when cut', () => {
    const sut = new ResponsesEventWriter({});
    sut.start(start);
    const closing = [...sut.event({ type: 'finish', finishReason: 'length' }), ...sut.finish({ ...summary, finishReason: 'length' })];
    expect(closing.map((e) => e.event)).toEqual([
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(closing.at(-1)!.data.response).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      output: [{ type: 'message', status: 'incomplete', content: [{ text: '' }] }],
    });
  });

  it("streams a refusal as the message's refusal part: refusal.delta and refusal.done, as OpenAI does", () => {
    const sut = new ResponsesEventWriter({});
    sut.start(start);
    const events = [
      ...sut.event({ type: 'refusal', text: "I can't" }),
      ...sut.event({ type: 'refusal', text: ' help.' }),
      ...sut.event({ type: 'finish', finishReason: 'stop' }),
      ...sut.finish(summary),
    ];
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ type: 'response.output_item.added', item: expect.objectContaining({ content: [] }) }),
      expect.objectContaining({ type: 'response.content_part.added', content_index: 0, part: { type: 'refusal', refusal: '' } }),
      expect.objectContaining({ type: 'response.refusal.delta', item_id: 'msg_r1', output_index: 0, content_index: 0, delta: "I can't" }),
      expect.objectContaining({ type: 'response.refusal.delta', delta: ' help.' }),
      expect.objectContaining({ type: 'response.refusal.done', content_index: 0, refusal: "I can't help." }),
      expect.objectContaining({ type: 'response.content_part.done', part: { type: 'refusal', refusal: "I can't help." } }),
      expect.objectContaining({ type: 'response.output_item.done' }),
      expect.objectContaining({ type: 'response.completed' }),
    ]);
    expect(events.at(-1)!.data.response).toMatchObject({
      status: 'completed',
      output: [{ type: 'message', status: 'completed', content: [{ type: 'refusal', refusal: "I can't help." }] }],
    });
  });

  it('gives text and then a refusal a content part each, numbered in order', () => {
    const sut = new ResponsesEventWriter({});
    sut.start(start);
    const events = [
      ...sut.event({ type: 'text', text: 'Well,' }),
      ...sut.event({ type: 'refusal', text: ' no.' }),
      ...sut.event({ type: 'finish', finishReason: 'stop' }),
      ...sut.finish(summary),
    ];
    expect(events.map((e) => [e.event, e.data.content_index])).toEqual([
      ['response.output_item.added', undefined],
      ['response.content_part.added', 0],
      ['response.output_text.delta', 0],
      ['response.output_text.done', 0],
      ['response.content_part.done', 0],
      ['response.content_part.added', 1],
      ['response.refusal.delta', 1],
      ['response.refusal.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', undefined],
      ['response.completed', undefined],
    ]);
    expect(events.at(-1)!.data.response).toMatchObject({
      output: [
        {
          content: [
            { type: 'output_text', text: 'Well,' },
            { type: 'refusal', refusal: ' no.' },
          ],
        },
      ],
    });
  });

  it('fails with an error event, then response.failed holding what was sent', () => {
    const sut = new ResponsesEventWriter({});
    sut.start(start);
    sut.event({ type: 'text', text: 'Half' });
    const failed = sut.fail(new AppError('upstream_error', 'mock/echo stream failed: cut'), summary);
    expect(failed.map((e) => e.data)).toEqual([
      { type: 'error', sequence_number: 5, code: 'upstream_error', message: 'mock/echo stream failed: cut', param: null },
      expect.objectContaining({
        type: 'response.failed',
        sequence_number: 6,
        response: expect.objectContaining({
          status: 'failed',
          error: { code: 'upstream_error', message: 'mock/echo stream failed: cut' },
          output: [expect.objectContaining({ type: 'message', status: 'incomplete', content: [expect.objectContaining({ text: 'Half' })] })],
        }),
      }),
    ]);
  });
});
