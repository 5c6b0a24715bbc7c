import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { OpenAiChunkWriter, toChatCompletion } from '@src/llm/compat/formats/openai-chat.format';
import type { GenerationOutcome, StreamStart } from '@src/llm/generation/generation.types';
import { fromChatCompletion, readChatChunk, toChatCompletionParams } from '@src/llm/providers/openai-compatible/openai-compatible.mapper';

const completion = (message: Record<string, unknown>): ChatCompletion =>
  ({
    id: 'c1',
    object: 'chat.completion',
    created: 1,
    model: 'openai/gpt-oss-20b',
    choices: [{ index: 0, message: { role: 'assistant', content: 'Yes.', refusal: null, ...message }, logprobs: null, finish_reason: 'stop' }],
  }) as unknown as ChatCompletion;

const chunk = (delta: Record<string, unknown>, index = 0): ChatCompletionChunk => ({
  id: 'c1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index, delta, logprobs: null, finish_reason: null }],
});

describe('a reasoning model’s reasoning on OpenAI-shaped providers', () => {
  it("reads Groq's reasoning and a local server's reasoning_content, and nothing when there is none", () => {
    expect(fromChatCompletion(completion({ reasoning: 'Because.' })).reasoning).toEqual([{ type: 'thinking', thinking: 'Because.', signature: '' }]);
    expect(fromChatCompletion(completion({ reasoning_content: 'Hmm.' })).reasoning).toEqual([{ type: 'thinking', thinking: 'Hmm.', signature: '' }]);
    expect(fromChatCompletion(completion({ reasoning: '' })).reasoning).toBeUndefined();
    expect(fromChatCompletion(completion({})).reasoning).toBeUndefined();
  });

  it("streams the first choice's reasoning deltas as thinking events, before its text", () => {
    expect(readChatChunk(chunk({ reasoning: 'Be' })).events).toEqual([{ type: 'thinking', text: 'Be' }]);
    expect(readChatChunk(chunk({ reasoning_content: 'cause', content: '' })).events).toEqual([{ type: 'thinking', text: 'cause' }]);
    expect(readChatChunk(chunk({ reasoning: null, content: 'Yes' })).events).toEqual([{ type: 'text', text: 'Yes' }]);
    // another choice's reasoning has no place in the stream's one reasoning
    expect(readChatChunk(chunk({ reasoning: 'other' }, 1)).events).toEqual([]);
  });

  it('sends reasoning_format and include_reasoning only when asked', () => {
    const base = { model: 'openai/gpt-oss-20b', messages: [{ role: 'user' as const, content: 'hi' }] };
    expect(toChatCompletionParams({ ...base, reasoningFormat: 'parsed' })).toMatchObject({ reasoning_format: 'parsed' });
    expect(toChatCompletionParams({ ...base, includeReasoning: false })).toMatchObject({ include_reasoning: false });
    const plain = toChatCompletionParams(base);
    expect(plain).not.toHaveProperty('reasoning_format');
    expect(plain).not.toHaveProperty('include_reasoning');
  });

  it('answers the reasoning in message.reasoning and delta.reasoning, and leaves the field out when there is none', () => {
    const outcome = { requestId: 'r', target: { id: 'groq/openai/gpt-oss-20b' }, createdAt: new Date(0), usage: { inputTokens: 1, outputTokens: 2 } };
    const answer = (extra: Partial<GenerationOutcome>) =>
      (toChatCompletion({ ...outcome, text: 'Yes.', finishReason: 'stop', ...extra } as GenerationOutcome) as { choices: { message: object }[] }).choices[0]
        .message;
    expect(answer({ reasoning: [{ type: 'thinking', thinking: 'Because.', signature: '' }] })).toMatchObject({ content: 'Yes.', reasoning: 'Because.' });
    expect(answer({})).not.toHaveProperty('reasoning');
    const writer = new OpenAiChunkWriter();
    writer.start({ requestId: 'r', target: outcome.target, createdAt: new Date(0) } as StreamStart);
    expect(writer.event({ type: 'thinking', text: 'Be' })?.choices).toEqual([{ index: 0, delta: { reasoning: 'Be' }, logprobs: null, finish_reason: null }]);
  });
});
