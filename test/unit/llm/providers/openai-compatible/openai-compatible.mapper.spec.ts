import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { GenerateRequest, ProviderError } from '@src/llm/providers/llm-provider';
import {
  fromChatCompletion,
  fromEmbeddingResponse,
  fromImagesResponse,
  readChatChunk,
  toChatCompletionParams,
} from '@src/llm/providers/openai-compatible/openai-compatible.mapper';

function completion(overrides: Partial<ChatCompletion> = {}): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello', refusal: null } }],
    usage: { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    ...overrides,
  };
}

function chunk(overrides: Partial<ChatCompletionChunk>): ChatCompletionChunk {
  return { id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [], ...overrides };
}

describe('toChatCompletionParams', () => {
  const base: GenerateRequest = { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] };

  it('puts the system prompt first as a system message', () => {
    const params = toChatCompletionParams({ ...base, system: 'Be brief.' });
    expect(params.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });

  it('maps the sampling options, stop and the output cap in the requested field', () => {
    const req = { ...base, maxTokens: 50, temperature: 0.2, topP: 0.9, stop: ['END'] };
    expect(toChatCompletionParams(req)).toMatchObject({ max_tokens: 50, temperature: 0.2, top_p: 0.9, stop: ['END'] });
    const reasoning = toChatCompletionParams(req, 'max_completion_tokens');
    expect(reasoning).toMatchObject({ max_completion_tokens: 50 });
    expect(reasoning).not.toHaveProperty('max_tokens');
  });

  it('omits every option the request does not set', () => {
    expect(toChatCompletionParams(base)).toEqual({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
  });

  it('passes response_format json_object and json_schema in the wire shape', () => {
    expect(toChatCompletionParams({ ...base, responseFormat: { type: 'json_object' } })).toMatchObject({ response_format: { type: 'json_object' } });
    const schema = { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] };
    expect(toChatCompletionParams({ ...base, responseFormat: { type: 'json_schema', jsonSchema: { name: 'thing', schema, strict: true } } })).toMatchObject({
      response_format: { type: 'json_schema', json_schema: { name: 'thing', schema, strict: true } },
    });
  });

  it('passes logprobs and top_logprobs', () => {
    expect(toChatCompletionParams({ ...base, logprobs: true, topLogprobs: 2 })).toMatchObject({ logprobs: true, top_logprobs: 2 });
    expect(toChatCompletionParams({ ...base, logprobs: true })).not.toHaveProperty('top_logprobs');
  });

  it('passes reasoning_effort and verbosity as asked', () => {
    expect(toChatCompletionParams({ ...base, reasoningEffort: 'minimal', verbosity: 'high' })).toMatchObject({
      reasoning_effort: 'minimal',
      verbosity: 'high',
    });
  });

  it('passes n above 1, and sends nothing for n = 1', () => {
    expect(toChatCompletionParams({ ...base, n: 3 })).toMatchObject({ n: 3 });
    expect(toChatCompletionParams({ ...base, n: 1 })).not.toHaveProperty('n');
  });

  it('maps tools and a named tool choice to function tools', () => {
    const params = toChatCompletionParams({
      ...base,
      tools: [{ name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } }],
      toolChoice: { name: 'get_weather' },
    });
    expect(params.tools).toEqual([
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
      },
    ]);
    expect(params.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    expect(toChatCompletionParams({ ...base, tools: [{ name: 'f', parameters: {} }], toolChoice: 'required' }).tool_choice).toBe('required');
  });

  it('sends no tool_choice without tools, which OpenAI refuses (auto and none change nothing there)', () => {
    expect(toChatCompletionParams({ ...base, toolChoice: 'auto' })).not.toHaveProperty('tool_choice');
    expect(toChatCompletionParams({ ...base, tools: [], toolChoice: 'none' })).not.toHaveProperty('tool_choice');
  });

  it("passes an image part's detail level", () => {
    const params = toChatCompletionParams({ ...base, messages: [{ role: 'user', content: [{ type: 'image', url: 'https://x/y.png', detail: 'low' }] }] });
    expect(params.messages).toEqual([{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } }] }]);
  });

  it('passes strict on a tool', () => {
    const params = toChatCompletionParams({ ...base, tools: [{ name: 'f', parameters: { type: 'object' }, strict: true }] });
    expect(params.tools).toEqual([{ type: 'function', function: { name: 'f', parameters: { type: 'object' }, strict: true } }]);
  });

  it('maps image parts, assistant tool calls and tool results', () => {
    const params = toChatCompletionParams({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image', url: 'https://example.test/a.png' },
          ],
        },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'lookup', arguments: '{"q":"a"}' }] },
        { role: 'tool', toolCallId: 'call_1', content: 'a cat' },
      ],
    });
    expect(params.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: 'https://example.test/a.png' } },
        ],
      },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'a cat' },
    ]);
  });

  it("says a failed tool's result failed in its text, which has no is_error flag on OpenAI-shaped providers", () => {
    const params = toChatCompletionParams({
      model: 'gpt-4o',
      messages: [
        {
          role: 'assistant',
          content: '',
          toolCalls: [
            { id: 'call_1', name: 'lookup', arguments: '{}' },
            { id: 'call_2', name: 'lookup', arguments: '{}' },
          ],
        },
        { role: 'tool', toolCallId: 'call_1', content: 'lookup timed out', isError: true },
        { role: 'tool', toolCallId: 'call_2', content: '', isError: true },
      ],
    });
    expect(params.messages.slice(1)).toEqual([
      { role: 'tool', tool_call_id: 'call_1', content: 'Error: lookup timed out' },
      { role: 'tool', tool_call_id: 'call_2', content: 'Error' },
    ]);
  });
});

describe('fromChatCompletion', () => {
  it("keeps the model's refusal apart from its (null) content", () => {
    const refused = completion({
      choices: [{ index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: null, refusal: "I can't help with that." } }],
    });
    expect(fromChatCompletion(refused)).toMatchObject({ text: '', refusal: "I can't help with that.", finishReason: 'stop' });
    expect(fromChatCompletion(completion())).not.toHaveProperty('refusal');
  });

  it('reads text, finish reason, model and usage', () => {
    expect(fromChatCompletion(completion())).toEqual({
      text: 'Hello',
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 3 },
      model: 'gpt-4o-mini-2024-07-18',
    });
  });

  it('reports cached prompt tokens and reasoning tokens as subsets', () => {
    const result = fromChatCompletion(
      completion({
        usage: {
          prompt_tokens: 100,
          completion_tokens: 40,
          total_tokens: 140,
          prompt_tokens_details: { cached_tokens: 64 },
          completion_tokens_details: { reasoning_tokens: 30 },
        },
      }),
    );
    expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 40, cachedInputTokens: 64, reasoningTokens: 30 });
  });

  it('reads tool calls and maps finish reasons', () => {
    const result = fromChatCompletion(
      completion({
        choices: [
          {
            index: 0,
            logprobs: null,
            finish_reason: 'tool_calls',
            message: {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
          },
        ],
      }),
    );
    expect(result).toMatchObject({ text: '', finishReason: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'f', arguments: '{}' }] });
  });

  it("reads the choice's logprobs, content and refusal, when the server sends them", () => {
    const entry = { token: 'Hello', logprob: -0.25, bytes: [72, 101, 108, 108, 111], top_logprobs: [{ token: 'Hello', logprob: -0.25, bytes: null }] };
    const result = fromChatCompletion(
      completion({
        choices: [
          { index: 0, logprobs: { content: [entry], refusal: null }, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello', refusal: null } },
        ],
      }),
    );
    expect(result.logprobs).toEqual({
      content: [{ token: 'Hello', logprob: -0.25, bytes: [72, 101, 108, 108, 111], topLogprobs: [{ token: 'Hello', logprob: -0.25, bytes: null }] }],
      refusal: null,
    });
    expect(fromChatCompletion(completion())).not.toHaveProperty('logprobs');
  });

  it('reads every choice of an n > 1 answer in index order, each with its own text, finish reason and logprobs', () => {
    const entry = { token: 'B', logprob: -0.5, bytes: [66], top_logprobs: [] };
    const result = fromChatCompletion(
      completion({
        choices: [
          { index: 2, logprobs: null, finish_reason: 'length', message: { role: 'assistant', content: 'C', refusal: null } },
          { index: 0, logprobs: null, finish_reason: 'stop', message: { role: 'assistant', content: 'A', refusal: null } },
          { index: 1, logprobs: { content: [entry], refusal: null }, finish_reason: 'stop', message: { role: 'assistant', content: 'B', refusal: null } },
        ],
        usage: { prompt_tokens: 12, completion_tokens: 9, total_tokens: 21 },
      }),
    );
    expect(result).toEqual({
      text: 'A',
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 9 },
      model: 'gpt-4o-mini-2024-07-18',
      extraChoices: [
        { text: 'B', finishReason: 'stop', logprobs: { content: [{ token: 'B', logprob: -0.5, bytes: [66], topLogprobs: [] }], refusal: null } },
        { text: 'C', finishReason: 'length' },
      ],
    });
    expect(fromChatCompletion(completion())).not.toHaveProperty('extraChoices');
  });

  it('answers null usage when the server reports none', () => {
    expect(fromChatCompletion(completion({ usage: undefined })).usage).toBeNull();
  });

  it('rejects a body without choices as malformed', () => {
    expect(() => fromChatCompletion(completion({ choices: [] }))).toThrow(ProviderError);
    expect(() => fromChatCompletion({} as ChatCompletion)).toThrow(expect.objectContaining({ kind: 'malformed' }));
  });
});

describe('readChatChunk', () => {
  it('reads a delta.refusal as a refusal event, apart from text', () => {
    expect(readChatChunk(chunk({ choices: [{ index: 0, delta: { refusal: "I can't" }, finish_reason: null }] })).events).toEqual([
      { type: 'refusal', text: "I can't" },
    ]);
    expect(readChatChunk(chunk({ choices: [{ index: 1, delta: { refusal: ' help' }, finish_reason: null }] })).events).toEqual([
      { type: 'refusal', text: ' help', choice: 1 },
    ]);
  });

  it('turns content deltas into text events', () => {
    expect(readChatChunk(chunk({ choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] }))).toEqual({
      events: [{ type: 'text', text: 'Hel' }],
    });
  });

  it("attaches a chunk's content logprobs to its text event", () => {
    const entry = { token: 'Hel', logprob: -0.5, bytes: [72, 101, 108], top_logprobs: [] };
    expect(
      readChatChunk(chunk({ choices: [{ index: 0, delta: { content: 'Hel' }, logprobs: { content: [entry], refusal: null }, finish_reason: null }] })),
    ).toEqual({
      events: [{ type: 'text', text: 'Hel', logprobs: [{ token: 'Hel', logprob: -0.5, bytes: [72, 101, 108], topLogprobs: [] }] }],
    });
  });

  it('turns tool call deltas into tool_call_delta events', () => {
    const reading = readChatChunk(
      chunk({ choices: [{ index: 0, delta: { tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"a"' } }] }, finish_reason: null }] }),
    );
    expect(reading.events).toEqual([{ type: 'tool_call_delta', index: 0, id: 'call_1', name: 'f', argumentsDelta: '{"a"' }]);
  });

  it('reads usage from a final chunk with no choices', () => {
    expect(readChatChunk(chunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }))).toEqual({
      events: [],
      usage: { inputTokens: 5, outputTokens: 7 },
    });
  });

  it('reads usage AND the choice when the final chunk carries both', () => {
    const reading = readChatChunk(
      chunk({ choices: [{ index: 0, delta: { content: '!' }, finish_reason: 'length' }], usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 } }),
    );
    expect(reading).toEqual({ events: [{ type: 'text', text: '!' }], finishReason: 'length', usage: { inputTokens: 5, outputTokens: 7 } });
  });

  it("names the choice of another choice's deltas and finish (n > 1), keeping the first's as they were", () => {
    const reading = readChatChunk(
      chunk({
        choices: [
          { index: 1, delta: { content: 'other' }, finish_reason: null },
          { index: 0, delta: { content: 'first' }, finish_reason: 'stop' },
          { index: 2, delta: { tool_calls: [{ index: 0, id: 'call_2', function: { name: 'f' } }] }, finish_reason: 'tool_calls' },
        ],
      }),
    );
    expect(reading).toEqual({
      events: [
        { type: 'text', text: 'other', choice: 1 },
        { type: 'text', text: 'first' },
        { type: 'tool_call_delta', index: 0, id: 'call_2', name: 'f', choice: 2 },
      ],
      finishReason: 'stop',
      otherFinishes: [{ choice: 2, finishReason: 'tool_calls' }],
    });
  });
});

describe('embeddings and images', () => {
  it('orders embedding vectors by index and reads prompt tokens', () => {
    const result = fromEmbeddingResponse({
      object: 'list',
      model: 'text-embedding-3-small',
      data: [
        { object: 'embedding', index: 1, embedding: [0, 1] },
        { object: 'embedding', index: 0, embedding: [1, 0] },
      ],
      usage: { prompt_tokens: 4, total_tokens: 4 },
    });
    expect(result).toEqual({
      vectors: [
        [1, 0],
        [0, 1],
      ],
      usage: { inputTokens: 4 },
      model: 'text-embedding-3-small',
    });
  });

  it('reads image URLs, base64 data, revised prompts and gpt-image usage', () => {
    const result = fromImagesResponse({
      created: 1,
      data: [{ url: 'https://x.test/1.png', revised_prompt: 'a fox' }, { b64_json: 'iVBOR' }],
      usage: { input_tokens: 3, output_tokens: 272, total_tokens: 275, input_tokens_details: { image_tokens: 0, text_tokens: 3 } },
    });
    expect(result).toEqual({
      images: [{ url: 'https://x.test/1.png', revisedPrompt: 'a fox' }, { b64Json: 'iVBOR' }],
      usage: { inputTokens: 3, outputTokens: 272 },
    });
  });

  it('answers null usage for DALL·E images', () => {
    expect(fromImagesResponse({ created: 1, data: [{ url: 'u' }] }).usage).toBeNull();
  });
});
