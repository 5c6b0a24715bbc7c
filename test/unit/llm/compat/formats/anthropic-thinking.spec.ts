import type Anthropic from '@anthropic-ai/sdk';
import { AnthropicEventWriter, parseMessagesRequest, parseCountTokensRequest } from '@src/llm/compat/formats/anthropic-messages.format';
import { AnthropicStreamReader, fromAnthropicMessage, toAnthropicParams } from '@src/llm/providers/anthropic/anthropic.mapper';
import { toChatCompletionParams } from '@src/llm/providers/openai-compatible/openai-compatible.mapper';
import { fieldsOf } from '@test/support/validation-errors';
import { anthropicStreamStart } from '@test/support/stream-start';

const start = anthropicStreamStart('0b6c7c3e-0000-4000-8000-000000000001');

const body = (extra: Record<string, unknown>) => ({
  model: 'anthropic/claude-sonnet-4-5',
  max_tokens: 4096,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

describe('extended thinking in /v1/messages', () => {
  it('reads each thinking setting Anthropic takes into the neutral shape', () => {
    expect(parseMessagesRequest(body({ thinking: { type: 'enabled', budget_tokens: 2048 } })).params.thinking).toEqual({ type: 'enabled', budgetTokens: 2048 });
    expect(parseMessagesRequest(body({ thinking: { type: 'enabled', budget_tokens: 1024, display: 'omitted' } })).params.thinking).toEqual({
      type: 'enabled',
      budgetTokens: 1024,
      display: 'omitted',
    });
    expect(parseMessagesRequest(body({ thinking: { type: 'adaptive', display: 'summarized' } })).params.thinking).toEqual({
      type: 'adaptive',
      display: 'summarized',
    });
    expect(parseMessagesRequest(body({ thinking: { type: 'between_tools' } })).params.thinking).toEqual({ type: 'between_tools' });
    expect(parseMessagesRequest(body({ thinking: { type: 'disabled' } })).params.thinking).toEqual({ type: 'disabled' });
    expect(parseMessagesRequest(body({ thinking: null })).params.thinking).toBeUndefined();
  });

  it('names a thinking setting Anthropic would refuse', () => {
    expect(fieldsOf(() => parseMessagesRequest(body({ thinking: 'on' })))).toEqual(['thinking']);
    expect(fieldsOf(() => parseMessagesRequest(body({ thinking: {} })))).toEqual(['thinking.type']);
    expect(fieldsOf(() => parseMessagesRequest(body({ thinking: { type: 'enabled', budget_tokens: 1023 } })))).toEqual(['thinking.budget_tokens']);
    expect(fieldsOf(() => parseMessagesRequest(body({ thinking: { type: 'enabled', budget_tokens: 1500.5 } })))).toEqual(['thinking.budget_tokens']);
    expect(fieldsOf(() => parseMessagesRequest(body({ max_tokens: 1024, thinking: { type: 'enabled', budget_tokens: 1024 } })))).toEqual([
      'thinking.budget_tokens',
    ]);
    expect(fieldsOf(() => parseMessagesRequest(body({ thinking: { type: 'adaptive', display: 'all' } })))).toEqual(['thinking.display']);
    // count_tokens takes thinking as Messages does, without a max_tokens to compare the budget with
    expect(() => parseCountTokensRequest({ ...body({ thinking: { type: 'enabled', budget_tokens: 8000 } }), max_tokens: undefined })).not.toThrow();
    expect(fieldsOf(() => parseCountTokensRequest({ ...body({ thinking: { type: 'enabled', budget_tokens: 10 } }), max_tokens: undefined }))).toEqual([
      'thinking.budget_tokens',
    ]);
  });

  it('keeps the thinking blocks of an assistant turn with it, and thinking that came after the text in a turn of its own, in order', () => {
    const parsed = parseMessagesRequest(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'a', signature: 'sa' },
              { type: 'redacted_thinking', data: 'r' },
              { type: 'text', text: 'let me look' },
              { type: 'thinking', thinking: 'b', signature: 'sb' },
              { type: 'tool_use', id: 't1', name: 'lookup', input: {} },
            ],
          },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'x' }] },
        ],
      }),
    );
    expect(parsed.messages.slice(1, 3)).toEqual([
      {
        role: 'assistant',
        content: 'let me look',
        reasoning: [
          { type: 'thinking', thinking: 'a', signature: 'sa' },
          { type: 'redacted_thinking', data: 'r' },
        ],
      },
      {
        role: 'assistant',
        content: '',
        reasoning: [{ type: 'thinking', thinking: 'b', signature: 'sb' }],
        toolCalls: [{ id: 't1', name: 'lookup', arguments: '{}' }],
        continues: true,
      },
    ]);
    // the provider merges the two turns back into one, every block where it was
    const sent = toAnthropicParams({ model: 'claude-sonnet-4-5', messages: parsed.messages, maxTokens: 10 }).messages[1];
    expect(sent).toEqual({
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'a', signature: 'sa' },
        { type: 'redacted_thinking', data: 'r' },
        { type: 'text', text: 'let me look' },
        { type: 'thinking', thinking: 'b', signature: 'sb' },
        { type: 'tool_use', id: 't1', name: 'lookup', input: {} },
      ],
    });
    // an OpenAI-shaped provider gets the turn as it was before thinking: one message, text and tool call
    const openai = toChatCompletionParams({ model: 'gpt-4o-mini', messages: parsed.messages }).messages;
    expect(openai.slice(1, 3)).toEqual([
      { role: 'assistant', content: 'let me look', tool_calls: [{ id: 't1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 't1', content: 'x' },
    ]);
  });

  it('leaves out, for an OpenAI-shaped provider, an assistant turn that was only thinking', () => {
    const parsed = parseMessagesRequest(
      body({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [{ type: 'thinking', thinking: 'a', signature: 'sa' }] },
          { role: 'user', content: 'go on' },
        ],
      }),
    );
    expect(parsed.messages[1]).toEqual({ role: 'assistant', content: '', reasoning: [{ type: 'thinking', thinking: 'a', signature: 'sa' }] });
    expect(toChatCompletionParams({ model: 'gpt-4o-mini', messages: parsed.messages }).messages).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'user', content: 'go on' },
    ]);
  });

  it('refuses a thinking block that lacks its text, signature or data', () => {
    const turn = (block: unknown) =>
      body({
        messages: [
          { role: 'user', content: 'hi' },
          { role: 'assistant', content: [block] },
        ],
      });
    expect(fieldsOf(() => parseMessagesRequest(turn({ type: 'thinking', signature: 's' })))).toEqual(['messages[1].content[0].thinking']);
    expect(fieldsOf(() => parseMessagesRequest(turn({ type: 'thinking', thinking: 't', signature: 5 })))).toEqual(['messages[1].content[0].signature']);
    expect(fieldsOf(() => parseMessagesRequest(turn({ type: 'redacted_thinking' })))).toEqual(['messages[1].content[0].data']);
  });

  it('writes thinking, its signature and a redacted block as blocks of their own before the text', () => {
    const w = new AnthropicEventWriter();
    const events = [
      ...w.start(start),
      ...w.event({ type: 'thinking', text: 'Let me' }),
      ...w.event({ type: 'thinking', text: ' see.' }),
      ...w.event({ type: 'thinking_signature', signature: 'sig1' }),
      ...w.event({ type: 'thinking_signature', signature: 'sig2' }),
      ...w.event({ type: 'redacted_thinking', data: 'opaque' }),
      ...w.event({ type: 'text', text: 'Yes.' }),
    ];
    expect(events.slice(1).map((e) => e.data)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: ' see.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig1' } },
      { type: 'content_block_stop', index: 0 },
      // a signature with no thinking before it (display omitted) is a block of its own
      { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'sig2' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'redacted_thinking', data: 'opaque' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'content_block_start', index: 3, content_block: { type: 'text', text: '', citations: null } },
      { type: 'content_block_delta', index: 3, delta: { type: 'text_delta', text: 'Yes.' } },
    ]);
  });
});

describe('extended thinking in the Anthropic provider', () => {
  it('sends each thinking setting as the Messages API takes it', () => {
    const params = (thinking: Parameters<typeof toAnthropicParams>[0]['thinking']) =>
      toAnthropicParams({ model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'hi' }], maxTokens: 4096, thinking }).thinking;
    expect(params({ type: 'enabled', budgetTokens: 2048, display: 'omitted' })).toEqual({ type: 'enabled', budget_tokens: 2048, display: 'omitted' });
    expect(params({ type: 'adaptive' })).toEqual({ type: 'adaptive' });
    expect(params({ type: 'between_tools' })).toEqual({ type: 'between_tools' });
    expect(params({ type: 'disabled' })).toEqual({ type: 'disabled' });
    expect(params(undefined)).toBeUndefined();
  });

  it("reads a message's thinking blocks, in order, apart from its text", () => {
    const result = fromAnthropicMessage({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'hmm', signature: 's1' },
        { type: 'redacted_thinking', data: 'r1' },
        { type: 'text', text: 'Hi.', citations: null },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 3, output_tokens: 9, output_tokens_details: { thinking_tokens: 6 } },
    } as unknown as Anthropic.Message);
    expect(result).toMatchObject({
      text: 'Hi.',
      reasoning: [
        { type: 'thinking', thinking: 'hmm', signature: 's1' },
        { type: 'redacted_thinking', data: 'r1' },
      ],
      usage: { inputTokens: 3, outputTokens: 9, reasoningTokens: 6 },
    });
  });

  it('streams thinking deltas, the signature and a redacted block as they arrive, the first of them counting as the first event', () => {
    const reader = new AnthropicStreamReader();
    const events = [
      { type: 'message_start', message: { usage: { input_tokens: 4, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'redacted_thinking', data: 'opaque' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: 'Yes.' } },
    ] as unknown as Anthropic.RawMessageStreamEvent[];
    expect(events.flatMap((e) => reader.read(e))).toEqual([
      { type: 'thinking', text: 'Let me' },
      { type: 'usage', usage: { inputTokens: 4, outputTokens: 1 }, partial: true },
      { type: 'thinking_signature', signature: 'sig' },
      { type: 'redacted_thinking', data: 'opaque' },
      { type: 'text', text: 'Yes.' },
    ]);
  });
});
