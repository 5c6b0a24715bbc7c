import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ProviderError, ProviderModel, StreamEvent } from '@src/llm/providers/llm-provider';
import type { ProviderDescriptor } from '@src/llm/providers/provider-descriptor';
import { OpenAiCompatibleClient, OpenAiCompatibleProvider } from '@src/llm/providers/openai-compatible/openai-compatible.provider';

type ChunkChoice = ChatCompletionChunk.Choice;

function chunk(choices: Partial<ChunkChoice>[], usage?: ChatCompletionChunk['usage']): ChatCompletionChunk {
  return {
    id: 'c',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'm',
    choices: choices.map((c) => ({ index: 0, delta: {}, finish_reason: null, ...c })),
    ...(usage ? { usage } : {}),
  };
}

/** A provider whose client streams the given chunks. */
class ScriptedProvider extends OpenAiCompatibleProvider {
  readonly id = 'scripted';
  readonly descriptor: ProviderDescriptor = { id: 'scripted', aliases: [], capabilities: ['chat', 'stream', 'n'], models: [] };

  constructor(private readonly chunks: ChatCompletionChunk[]) {
    super();
    this.configure({ enabled: true, apiKey: 'k', timeoutMs: 1_000 });
  }

  protected createClient(): OpenAiCompatibleClient {
    const chunks = this.chunks;
    return {
      createChatCompletion: () => Promise.reject(new Error('not used')),
      streamChatCompletion: () =>
        Promise.resolve(
          (async function* () {
            yield* chunks;
          })(),
        ),
    };
  }

  listModels(): ProviderModel[] {
    return [];
  }
}

async function events(provider: OpenAiCompatibleProvider, n?: number): Promise<StreamEvent[]> {
  const seen: StreamEvent[] = [];
  const req = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], ...(n ? { n } : {}) };
  for await (const event of provider.stream(req, new AbortController().signal)) seen.push(event);
  return seen;
}

describe(OpenAiCompatibleProvider.name, () => {
  const usage = { prompt_tokens: 2, completion_tokens: 4, total_tokens: 6 };

  it("streams n = 2 with each choice's deltas named, then the usage, then one finish with every choice's reason", async () => {
    const sut = new ScriptedProvider([
      chunk([{ index: 0, delta: { role: 'assistant', content: '' } }]),
      chunk([{ index: 1, delta: { role: 'assistant', content: '' } }]),
      chunk([{ index: 0, delta: { content: 'a' } }]),
      chunk([{ index: 1, delta: { content: 'b' } }]),
      chunk([{ index: 1, finish_reason: 'length' }]),
      chunk([{ index: 0, finish_reason: 'stop' }]),
      chunk([], usage),
    ]);
    expect(await events(sut, 2)).toEqual([
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b', choice: 1 },
      { type: 'usage', usage: { inputTokens: 2, outputTokens: 4 } },
      { type: 'finish', finishReason: 'stop', otherFinishes: [{ choice: 1, finishReason: 'length' }] },
    ]);
  });

  it('fails a stream in which a choice that started never finished', async () => {
    const sut = new ScriptedProvider([
      chunk([{ index: 0, delta: { content: 'a' } }]),
      chunk([{ index: 1, delta: { content: 'b' } }]),
      chunk([{ index: 0, finish_reason: 'stop' }]),
      chunk([], usage),
    ]);
    await expect(events(sut, 2)).rejects.toEqual(expect.objectContaining({ kind: 'connection' }));
    await expect(events(sut, 2)).rejects.toBeInstanceOf(ProviderError);
  });

  it('answers one choice as it came from a server that ignores n', async () => {
    const sut = new ScriptedProvider([chunk([{ index: 0, delta: { content: 'a' } }]), chunk([{ index: 0, finish_reason: 'stop' }]), chunk([], usage)]);
    expect((await events(sut, 3)).at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
  });
});
