/**
 * Provider contract suite: every registered provider strategy, through its real SDK, against the in-repo
 * provider simulator. The cases come from the registry (BUILTIN_PROVIDERS and their strategies, plus a
 * custom provider); a provider the simulator has no flavour for fails here rather than being skipped.
 */
import { BUILTIN_PROVIDERS } from '@src/llm/providers/builtin-providers';
import { CustomOpenAiProvider } from '@src/llm/providers/custom/custom-openai.provider';
import { GenerateRequest, LlmProvider, ProviderError, ProviderSettings, StreamEvent, TokenUsage } from '@src/llm/providers/llm-provider';
import { OpenAiProvider } from '@src/llm/providers/openai/openai.provider';
import { ProviderDescriptor } from '@src/llm/providers/provider-descriptor';
import { PROVIDER_STRATEGIES } from '@src/llm/providers/provider-strategies';
import { waitUntil } from '@test/support/poll';
import { SIMULATOR_FLAVOURS } from '@test/support/provider-simulator/flavours';
import { embeddingVector } from '@test/support/provider-simulator/openai';
import { startProviderSimulator, type ProviderSimulator } from '@test/support/provider-simulator/server';

interface ProviderCase {
  name: string;
  /** what it was registered under: its strategy must carry exactly this */
  descriptor: ProviderDescriptor;
  model: string;
  create(simUrl: string): LlmProvider;
  /** false for a stand-in (the mock), which never calls the simulator */
  simulated: boolean;
  /** whether the request body is OpenAI-shaped (it must then ask for stream usage) */
  openAiWire: boolean;
  /** what the plain test expects: system (5 words) + user (6 words), maxTokens 5 */
  plain: { text: string; usage: TokenUsage };
  /** what the stream test expects for STREAM_TEXT */
  streamed: { text: string; usage: TokenUsage };
}

const DUMMY_KEY = 'sk-test-dummy';
const settings = (overrides: Partial<ProviderSettings>): ProviderSettings => ({ enabled: true, apiKey: DUMMY_KEY, timeoutMs: 5_000, ...overrides });
function configured<T extends LlmProvider>(provider: T, overrides: Partial<ProviderSettings>): T {
  provider.configure(settings(overrides));
  return provider;
}

const SYSTEM = 'You are a terse assistant.';
const PLAIN_TEXT = 'Say hello to the whole world';
const STREAM_TEXT = 'Stream these words back to me';
const STREAM_DIRECTIVE = '[[sim:output_tokens=8;chunks=4;chunk_delay_ms=100]]';

/** the simulator counts words: 5 (system) + 6 (user) in, min(maxTokens 5, 12) out */
const SIMULATED_PLAIN = { text: 'word1 word2 word3 word4 word5', usage: { inputTokens: 11, outputTokens: 5 } };
const SIMULATED_STREAM = { text: 'word1 word2 word3 word4 word5 word6 word7 word8', usage: { inputTokens: 6, outputTokens: 8 } };

/** Stand-ins answer in process; what each one answers to the same requests. */
const STAND_IN_ANSWERS: Readonly<Record<string, Pick<ProviderCase, 'model' | 'plain' | 'streamed'>>> = {
  mock: {
    model: 'echo',
    // o200k_base counts of "system\nuser" and of the answer
    plain: { text: 'Echo: Say hello to the', usage: { inputTokens: 12, outputTokens: 6 } },
    streamed: { text: `Echo: ${STREAM_TEXT} ${STREAM_DIRECTIVE}`, usage: { inputTokens: 24, outputTokens: 26 } },
  },
};

/** A registered provider the suite cannot run: its describe block fails with this. */
class MissingFlavour extends Error {}

function caseOf(descriptor: ProviderDescriptor, build: () => LlmProvider, flavourKey = descriptor.id, name = descriptor.id): ProviderCase | MissingFlavour {
  if (descriptor.standIn) {
    const answers = STAND_IN_ANSWERS[descriptor.id];
    if (!answers) return new MissingFlavour(`Stand-in provider "${descriptor.id}" has no entry in STAND_IN_ANSWERS`);
    return { name, descriptor, ...answers, create: () => configured(build(), {}), simulated: false, openAiWire: false };
  }
  const flavour = SIMULATOR_FLAVOURS[flavourKey];
  if (!flavour) {
    return new MissingFlavour(
      `Provider "${descriptor.id}" has no simulator flavour: teach test/support/provider-simulator its wire format and add it to SIMULATOR_FLAVOURS`,
    );
  }
  return {
    name,
    descriptor,
    model: flavour.model,
    create: (url) => configured(build(), { baseUrl: flavour.baseUrl(url), ...(flavour.keyless ? { apiKey: undefined } : {}) }),
    simulated: true,
    openAiWire: flavour.openAiWire,
    plain: SIMULATED_PLAIN,
    streamed: SIMULATED_STREAM,
  };
}

const ollama = (): CustomOpenAiProvider => new CustomOpenAiProvider('ollama', [{ id: 'llama3.2', kind: 'chat' }]);

const CASES: (ProviderCase | MissingFlavour)[] = [
  ...BUILTIN_PROVIDERS.map((descriptor) => caseOf(descriptor, () => new PROVIDER_STRATEGIES[descriptor.id]())),
  caseOf(ollama().descriptor, ollama, 'custom', 'custom (ollama)'),
];

let sim: ProviderSimulator;

beforeAll(async () => {
  sim = await startProviderSimulator();
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => sim.reset());

function request(model: string, userText: string, extra: Partial<GenerateRequest> = {}): GenerateRequest {
  return { model, messages: [{ role: 'user', content: userText }], ...extra };
}

async function collect(events: AsyncIterable<StreamEvent>): Promise<Array<{ event: StreamEvent; at: number }>> {
  const seen: Array<{ event: StreamEvent; at: number }> = [];
  for await (const event of events) seen.push({ event, at: Date.now() });
  return seen;
}

async function providerErrorOf(work: () => Promise<unknown>): Promise<ProviderError> {
  try {
    await work();
  } catch (err) {
    if (err instanceof ProviderError) return err;
    throw new Error(`expected a ProviderError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a ProviderError, but the call succeeded');
}

describe('the contract cases', () => {
  it('cover every registered provider, each with a simulator flavour (or stand-in answers)', () => {
    const missing = CASES.filter((c) => c instanceof MissingFlavour).map((c) => c.message);
    expect(missing).toEqual([]);
    expect(CASES.map((c) => (c as ProviderCase).descriptor.id)).toEqual([...BUILTIN_PROVIDERS.map((d) => d.id), 'ollama']);
  });
});

describe.each(CASES.filter((c): c is ProviderCase => !(c instanceof MissingFlavour)))('$name provider contract', (c) => {
  let provider: LlmProvider;
  beforeAll(() => {
    provider = c.create(sim.url);
  });

  it('is configured with a dummy key and lists its models', () => {
    expect(provider.isConfigured()).toBe(true);
    expect(provider.listModels().map((m) => m.id)).toContain(c.model);
  });

  it('carries the descriptor it is registered with, and does what its capabilities say', () => {
    expect(provider.descriptor).toEqual(c.descriptor);
    expect(provider.id).toBe(c.descriptor.id);
    expect(provider.listModels()).toEqual(c.descriptor.models);
    expect(typeof provider.embed === 'function').toBe(c.descriptor.capabilities.includes('embeddings'));
    expect(typeof provider.generateImage === 'function').toBe(c.descriptor.capabilities.includes('images'));
    expect(c.descriptor.capabilities).toEqual(expect.arrayContaining(['chat', 'stream']));
  });

  it('generates a reply with the exact usage the upstream reported', async () => {
    const result = await provider.generate(request(c.model, PLAIN_TEXT, { system: SYSTEM, maxTokens: 5 }), new AbortController().signal);

    expect(result).toMatchObject({ text: c.plain.text, finishReason: 'length', usage: c.plain.usage });
    if (c.simulated) expect(sim.requests).toHaveLength(1);
  });

  it('streams text in several events as they arrive, then one usage event and the finish', async () => {
    const req = request(c.model, `${STREAM_TEXT} ${STREAM_DIRECTIVE}`);
    const seen = await collect(provider.stream(req, new AbortController().signal));
    const events = seen.map((s) => s.event);
    const texts = seen.filter((s) => s.event.type === 'text');

    expect(texts.length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1)).toEqual({ type: 'finish', finishReason: 'stop' });
    // one final usage event; a partial one (the prompt, as Anthropic reports it at the start) may come earlier
    expect(events.filter((e) => e.type === 'usage' && !e.partial)).toHaveLength(1);
    expect(events.at(-2)?.type).toBe('usage');
    expect(texts.map((s) => (s.event as { text: string }).text).join('')).toBe(c.streamed.text);
    expect(events.at(-2)).toEqual({ type: 'usage', usage: c.streamed.usage });
    if (c.simulated) {
      // chunks are 100 ms apart upstream, with three or more after the first text: a pause of this process
      // (which runs the simulator) shortens one gap per pause, so the first text still comes long before the end
      expect(seen.at(-1)!.at - texts[0].at).toBeGreaterThanOrEqual(100);
    }
    if (c.openAiWire) expect(sim.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('aborts mid-stream when the caller aborts, and the upstream request is dropped', async () => {
    const controller = new AbortController();
    const req = request(c.model, 'Keep streaming [[sim:output_tokens=20;chunks=20;chunk_delay_ms=40]]');
    const texts: string[] = [];
    const error = await providerErrorOf(async () => {
      for await (const event of provider.stream(req, controller.signal)) {
        if (event.type === 'text') {
          texts.push(event.text);
          controller.abort();
        }
      }
    });

    expect(error.kind).toBe('aborted');
    expect(texts).toHaveLength(1);
    if (c.simulated) await waitUntil(() => sim.requests[0]?.aborted === true, 'the simulator saw the abort', { timeoutMs: 10_000, intervalMs: 10 });
  });

  if (!c.simulated) return;

  it('surfaces a 429 as rate_limited with the Retry-After seconds', async () => {
    const error = await providerErrorOf(() => provider.generate(request(c.model, 'hi [[sim:fault=429;retry_after=7]]'), new AbortController().signal));

    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterS: 7 });
    expect(error.retryable).toBe(true);
  });

  it('surfaces a 500 as server_error', async () => {
    const error = await providerErrorOf(() => provider.generate(request(c.model, 'hi [[sim:fault=500]]'), new AbortController().signal));

    expect(error).toMatchObject({ kind: 'server_error', status: 500 });
  });

  it('times out a hanging upstream after the request timeout', async () => {
    const started = Date.now();
    const error = await providerErrorOf(() => provider.generate(request(c.model, 'hi [[sim:fault=hang]]', { timeoutMs: 300 }), new AbortController().signal));

    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a body that is not JSON as malformed, in a reply and in a stream', async () => {
    const reply = await providerErrorOf(() => provider.generate(request(c.model, 'hi [[sim:fault=malformed]]'), new AbortController().signal));
    const streamed = await providerErrorOf(() => collect(provider.stream(request(c.model, 'hi [[sim:fault=malformed]]'), new AbortController().signal)));

    expect(reply.kind).toBe('malformed');
    expect(streamed.kind).toBe('malformed');
  });

  it('throws a ProviderError from the iterator when the stream is cut', async () => {
    const texts: string[] = [];
    const error = await providerErrorOf(async () => {
      for await (const event of provider.stream(request(c.model, 'hi [[sim:fault=cut;output_tokens=10]]'), new AbortController().signal)) {
        if (event.type === 'text') texts.push(event.text);
      }
    });

    expect(error.kind).toBe('connection');
    expect(texts.length).toBeGreaterThan(0);
  });
});

describe('openai embeddings and images against the simulator', () => {
  let openai: OpenAiProvider;
  beforeAll(() => {
    openai = configured(new OpenAiProvider(), { baseUrl: SIMULATOR_FLAVOURS.openai.baseUrl(sim.url) });
  });

  it('embeds each input, in order, with the upstream usage', async () => {
    const result = await openai.embed({ model: 'text-embedding-3-small', input: ['hello world', 'third'], dimensions: 8 }, new AbortController().signal);

    expect(result.vectors).toEqual([embeddingVector('hello world', 8), embeddingVector('third', 8)]);
    expect(result.usage).toEqual({ inputTokens: 3 });
    expect(sim.requests[0]?.body).toMatchObject({ encoding_format: 'float', dimensions: 8 });
  });

  it('generates dall-e-3 images as URLs, without usage', async () => {
    const result = await openai.generateImage(
      { model: 'dall-e-3', prompt: 'a red fox', n: 1, size: '1024x1024', quality: 'hd', responseFormat: 'url' },
      new AbortController().signal,
    );

    expect(result.usage).toBeNull();
    expect(result.images).toEqual([{ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/sim-images\//), revisedPrompt: 'a red fox' }]);
    expect(sim.requests[0]?.body).toMatchObject({ model: 'dall-e-3', quality: 'hd', response_format: 'url' });
  });

  it('generates gpt-image-1 images as base64 with token usage, without sending response_format', async () => {
    const result = await openai.generateImage(
      { model: 'gpt-image-1', prompt: 'a red fox', n: 2, size: '1024x1024', quality: 'low', responseFormat: 'url' },
      new AbortController().signal,
    );

    expect(result.images).toHaveLength(2);
    expect(result.images[0]?.b64Json).toMatch(/^iVBOR/);
    expect(result.usage).toEqual({ inputTokens: 3, outputTokens: 2 * 272 });
    expect(sim.requests[0]?.body).not.toHaveProperty('response_format');
  });

  it('sends max_completion_tokens to reasoning models and max_tokens to the others', async () => {
    await openai.generate(request('o4-mini', 'hi', { maxTokens: 3 }), new AbortController().signal);
    await openai.generate(request('gpt-4o', 'hi', { maxTokens: 3 }), new AbortController().signal);

    expect(sim.requests[0]?.body).toMatchObject({ max_completion_tokens: 3 });
    expect(sim.requests[0]?.body).not.toHaveProperty('max_tokens');
    expect(sim.requests[1]?.body).toMatchObject({ max_tokens: 3 });
  });
});
