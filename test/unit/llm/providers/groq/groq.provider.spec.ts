import type { ChatCompletionChunk as GroqChunk } from 'groq-sdk/resources/chat/completions';
import { GroqProvider, normalizeGroqChunk } from '@src/llm/providers/groq/groq.provider';

const usage = { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 };
const finalChunk = (extra: object): GroqChunk & { usage?: typeof usage } => ({
  id: 'c',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'llama-3.3-70b-versatile',
  choices: [{ index: 0, delta: {}, finish_reason: 'stop' }],
  ...extra,
});

describe('normalizeGroqChunk', () => {
  it('reads usage from x_groq.usage on the final chunk', () => {
    expect(normalizeGroqChunk(finalChunk({ x_groq: { id: 'req_1', usage } })).usage).toEqual(usage);
  });

  it('reads usage from the OpenAI-style usage field too', () => {
    expect(normalizeGroqChunk(finalChunk({ usage })).usage).toEqual(usage);
  });

  it('keeps the choices as they are', () => {
    expect(normalizeGroqChunk(finalChunk({})).choices).toEqual([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  });
});

describe(GroqProvider.name, () => {
  it('is configured only when enabled with a key', () => {
    const sut = new GroqProvider();
    sut.configure({ enabled: true, timeoutMs: 1000 });
    expect(sut.isConfigured()).toBe(false);
    sut.configure({ enabled: false, apiKey: 'gsk_x', timeoutMs: 1000 });
    expect(sut.isConfigured()).toBe(false);
    sut.configure({ enabled: true, apiKey: 'gsk_x', timeoutMs: 1000 });
    expect(sut.isConfigured()).toBe(true);
  });

  it('lists the well-known Groq models', () => {
    expect(new GroqProvider().listModels().map((m) => m.id)).toEqual([
      'llama-3.3-70b-versatile',
      'llama-3.1-8b-instant',
      'openai/gpt-oss-120b',
      'openai/gpt-oss-20b',
      'qwen/qwen3-32b',
    ]);
  });
});
