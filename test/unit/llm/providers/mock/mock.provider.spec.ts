import { GenerateRequest, StreamEvent } from '@src/llm/providers/llm-provider';
import { MockProvider } from '@src/llm/providers/mock/mock.provider';

const signal = new AbortController().signal;
const req = (text: string, extra: Partial<GenerateRequest> = {}): GenerateRequest => ({
  model: 'echo',
  messages: [
    { role: 'user', content: 'first question' },
    { role: 'assistant', content: 'first answer' },
    { role: 'user', content: text },
  ],
  ...extra,
});

async function collect(events: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const out: StreamEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

describe(MockProvider.name, () => {
  const sut = new MockProvider();

  it('is configured unless disabled', () => {
    const provider = new MockProvider();
    expect(provider.isConfigured()).toBe(true);
    provider.configure({ enabled: false, timeoutMs: 1000 });
    expect(provider.isConfigured()).toBe(false);
  });

  it('offers an echo chat model, an embedding model and an image model', () => {
    expect(sut.listModels()).toEqual([
      { id: 'echo', kind: 'chat' },
      { id: 'embed', kind: 'embedding' },
      { id: 'image', kind: 'image' },
    ]);
  });

  it('echoes the last user message with o200k token counts', async () => {
    const result = await sut.generate(req('hello there'), signal);
    expect(result).toEqual({
      text: 'Echo: hello there',
      finishReason: 'stop',
      // "first question\nfirst answer\nhello there" and "Echo: hello there" in o200k_base
      usage: { inputTokens: 8, outputTokens: 4 },
      model: 'echo',
    });
  });

  it('truncates the answer to maxTokens words and says so', async () => {
    const result = await sut.generate(req('one two three four five', { maxTokens: 3 }), signal);
    expect(result).toMatchObject({ text: 'Echo: one two', finishReason: 'length' });
  });

  it('streams word by word, then usage, then finish, matching generate', async () => {
    const events = await collect(sut.stream(req('hello there'), signal));
    expect(events).toEqual([
      { type: 'text', text: 'Echo:' },
      { type: 'text', text: ' hello' },
      { type: 'text', text: ' there' },
      { type: 'usage', usage: { inputTokens: 8, outputTokens: 4 } },
      { type: 'finish', finishReason: 'stop' },
    ]);
  });

  it('stops a stream with an aborted ProviderError when the caller aborts', async () => {
    const controller = new AbortController();
    const seen: StreamEvent[] = [];
    await expect(
      (async () => {
        for await (const event of sut.stream(req('a b c d e f'), controller.signal)) {
          seen.push(event);
          controller.abort();
        }
      })(),
    ).rejects.toMatchObject({ kind: 'aborted' });
    expect(seen).toHaveLength(1);
  });

  it('gives the same unit vector for the same text', async () => {
    const result = await sut.embed({ model: 'embed', input: ['cat', 'dog', 'cat'], dimensions: 12 }, signal);
    expect(result.vectors[0]).toHaveLength(12);
    expect(result.vectors[0]).toEqual(result.vectors[2]);
    expect(result.vectors[0]).not.toEqual(result.vectors[1]);
    expect(Math.hypot(...result.vectors[0])).toBeCloseTo(1, 10);
    expect(result.usage).toEqual({ inputTokens: 3 });
  });

  it('returns n images in the requested format', async () => {
    const b64 = await sut.generateImage({ model: 'image', prompt: 'fox', n: 2, size: '256x256', quality: 'standard', responseFormat: 'b64_json' }, signal);
    const url = await sut.generateImage({ model: 'image', prompt: 'fox', n: 1, size: '256x256', quality: 'standard' }, signal);
    expect(b64.images).toHaveLength(2);
    expect(b64.images[0]?.b64Json).toMatch(/^iVBOR/);
    expect(url.images[0]?.url).toMatch(/^data:image\/png;base64,/);
  });
});
