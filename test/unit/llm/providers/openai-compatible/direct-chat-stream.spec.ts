import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { providerFetch } from '@src/llm/providers/http-transport';
import { directChatStream } from '@src/llm/providers/openai-compatible/direct-chat';
import { waitUntil } from '@test/support/poll';
import { errorOutcome, ScriptedReply as Reply, ScriptedUpstream, startScriptedUpstream } from '@test/support/scripted-upstream';

const frame = (choices: object[], extra: object = {}): string =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices, ...extra })}\n\n`;
const chunk = (delta: object): string => frame([{ index: 0, delta, finish_reason: null }]);
const FINISH = frame([{ index: 0, delta: {}, finish_reason: 'stop' }]);
const USAGE = frame([], { usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });
const NORMAL = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'Hel' }), chunk({ content: 'lo ✓' }), FINISH, USAGE, 'data: [DONE]\n\n'];

const REPLIES: Record<string, Reply> = {
  normal: { pieces: NORMAL },
  'split everywhere': { pieces: NORMAL.join('').match(/[\s\S]{1,7}/g) ?? [] },
  crlf: { pieces: [NORMAL.join('').replace(/\n/g, '\r\n')] },
  'comments and keep-alives': { pieces: [': keep-alive\n\n', NORMAL[0], ':\n\n', ...NORMAL.slice(1)] },
  'multi-line data': { pieces: ['data: {"id":"c1","choices":\ndata: [{"index":0,"delta":{"content":"x"}}]}\n\n', FINISH, 'data: [DONE]\n\n'] },
  'no [DONE]': { pieces: NORMAL.slice(0, -1) },
  'final event without a blank line': { pieces: [NORMAL[1], FINISH.trimEnd()] },
  'events after [DONE]': { pieces: [...NORMAL, chunk({ content: 'late' })] },
  'malformed JSON': { pieces: [NORMAL[1], 'data: {"id": <not json>\n\n'] },
  'error payload': { pieces: [NORMAL[1], 'data: {"error":{"message":"The server is overloaded","type":"server_error","code":"overloaded"}}\n\n'] },
  'error payload first': { pieces: ['event: error\ndata: {"error":{"message":"Rate limited","type":"rate_limit_error"}}\n\n'] },
  'cut mid-stream': { pieces: NORMAL.slice(0, 2), then: 'cut' },
  'stall mid-stream': { pieces: NORMAL.slice(0, 2), then: 'hold' },
  'many chunks': { pieces: [...Array.from({ length: 300 }, (_, i) => chunk({ content: `w${i} ` })), FINISH, 'data: [DONE]\n\n'] },
  'status 429': {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '7' },
    pieces: ['{"error":{"message":"Slow down","type":"rate_limit_error"}}'],
  },
  'status 500 text': { status: 500, headers: { 'content-type': 'text/plain' }, pieces: ['upstream exploded'] },
  'status 401': { status: 401, headers: { 'content-type': 'application/json' }, pieces: ['{"error":{"message":"Bad key","type":"invalid_api_key"}}'] },
};

interface Outcome {
  chunks: unknown[];
  error?: ReturnType<typeof errorOutcome>;
}

async function outcomeOf(open: () => Promise<AsyncIterable<ChatCompletionChunk>>, signal: AbortSignal): Promise<Outcome> {
  const chunks: unknown[] = [];
  try {
    for await (const c of await open()) chunks.push(c);
    return { chunks };
  } catch (err) {
    return { chunks, error: errorOutcome(err, signal) };
  }
}

describe('directChatStream', () => {
  let upstream: ScriptedUpstream;
  let baseURL: string;

  beforeAll(async () => {
    upstream = await startScriptedUpstream((model) => (model === 'hang' ? 'hang' : REPLIES[model]));
    baseURL = `${upstream.url}/v1`;
  });

  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  const params = (model: string): ChatCompletionCreateParamsStreaming => ({
    model,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });

  function direct(id = 'direct-test'): ReturnType<typeof directChatStream> {
    return directChatStream({
      providerId: id,
      url: `${baseURL}/chat/completions`,
      headers: { authorization: 'Bearer k', 'user-agent': 'OpenAI/JS test' },
      errors: OpenAI,
    });
  }

  const sdk = (): OpenAI => new OpenAI({ apiKey: 'k', baseURL, maxRetries: 0, logLevel: 'off', fetch: providerFetch('sdk-test') });

  // a stalled stream only ends by an abort (below)
  for (const model of Object.keys(REPLIES).filter((m) => m !== 'stall mid-stream')) {
    it(`yields and throws what the openai SDK does: ${model}`, async () => {
      const signal = new AbortController().signal;
      const options = { signal, timeout: 5_000 };
      const viaSdk = await outcomeOf(() => sdk().chat.completions.create(params(model), options), signal);
      const viaDirect = await outcomeOf(() => direct()(params(model), options), signal);
      expect(viaDirect).toEqual(viaSdk);
    });
  }

  it('sends the body and headers the SDK would', async () => {
    await outcomeOf(() => direct()(params('normal'), { signal: new AbortController().signal, timeout: 5_000 }), new AbortController().signal);
    expect(upstream.requests).toHaveLength(1);
    expect(JSON.parse(upstream.requests[0].body)).toEqual(params('normal'));
    expect(upstream.requests[0].headers).toMatchObject({
      authorization: 'Bearer k',
      'content-type': 'application/json',
      accept: 'application/json',
      'accept-encoding': 'identity',
    });
  });

  // (undici's pool may alternate between two idle connections; a stream whose connection were closed would need a new one every call)
  for (const model of ['normal', 'events after [DONE]']) {
    it(`leaves the connection open for later calls after [DONE]: ${model}`, async () => {
      const send = direct(`reuse-test ${model}`);
      const options = { signal: new AbortController().signal, timeout: 5_000 };
      for (let i = 0; i < 4; i++) {
        await outcomeOf(() => send(params(model), options), options.signal);
        await waitUntil(() => (upstream.requests[i].socket as Socket & { _httpMessage: unknown })._httpMessage === null, 'the response is written out');
      }
      const used = new Set(upstream.requests.map((r) => r.socket));
      expect(used.size).toBeLessThan(4);
      expect([...used].filter((socket) => upstream.closedSockets.has(socket))).toEqual([]);
    });
  }

  it('pauses the connection while the reader is behind and loses nothing when it catches up', async () => {
    const chunks = await direct('slow-reader-test')(params('many chunks'), { signal: new AbortController().signal, timeout: 5_000 });
    const iterator = chunks[Symbol.asyncIterator]();
    const seen = [(await iterator.next()).value as ChatCompletionChunk];
    // the provider writes everything while nobody reads
    await waitUntil(() => (upstream.requests[0].socket as Socket & { _httpMessage: unknown })._httpMessage === null, 'the response is written out');
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) seen.push(next.value);
    expect(seen).toHaveLength(301);
    const text = seen.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(Array.from({ length: 300 }, (_, i) => `w${i} `).join(''));
  });

  it('closes the upstream connection when the signal aborts mid-stream, and ends quietly as the SDK does', async () => {
    const controller = new AbortController();
    const chunks = await direct('abort-test')(params('stall mid-stream'), { signal: controller.signal, timeout: 5_000 });
    const seen: unknown[] = [];
    for await (const c of chunks) {
      seen.push(c);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toHaveLength(2);
    await waitUntil(() => upstream.closedSockets.has(upstream.requests[0].socket), 'the upstream connection is closed');
  });

  it('closes the upstream connection when the caller stops reading', async () => {
    const chunks = await direct('break-test')(params('stall mid-stream'), { signal: new AbortController().signal, timeout: 5_000 });
    for await (const c of chunks) {
      expect(c).toBeDefined();
      break;
    }
    await waitUntil(() => upstream.closedSockets.has(upstream.requests[0].socket), 'the upstream connection is closed');
  });

  it('throws the SDK abort error when the signal aborts before the headers, and closes the connection', async () => {
    const controller = new AbortController();
    const pending = direct('abort-early-test')(params('hang'), { signal: controller.signal, timeout: 5_000 });
    await waitUntil(() => upstream.requests.length === 1, 'the request reached the provider');
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError);
    await waitUntil(() => upstream.closedSockets.has(upstream.requests[0].socket), 'the upstream connection is closed');
  });

  it('maps a provider that sends no headers in time and one that cannot be reached as the SDK does', async () => {
    const signal = new AbortController().signal;
    // (the SDK's own timeout is recognised by the deadline under jest, see toProviderError)
    const viaDirect = await outcomeOf(() => direct('timeout-test')(params('hang'), { signal, timeout: 100 }), signal);
    expect(viaDirect.error).toMatchObject({ className: 'APIConnectionTimeoutError', kind: 'timeout', providerMessage: 'The provider did not answer in time' });

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const unreachable = directChatStream({ providerId: 'refused-test', url: `http://127.0.0.1:${port}/v1/chat/completions`, headers: {}, errors: OpenAI });
    const refusedSdk = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, logLevel: 'off', fetch: providerFetch('sdk-refused') });
    const options = { signal, timeout: 5_000 };
    const refusedDirect = await outcomeOf(() => unreachable(params('normal'), options), signal);
    expect(refusedDirect.error).toMatchObject({
      className: 'APIConnectionError',
      kind: 'connection',
      providerMessage: 'Could not reach the provider: Connection error (ECONNREFUSED)',
    });
    // the SDK's error is the same but for the failure's code, which it drops under jest (undici's error comes from
    // another realm there and the SDK, failing `instanceof Error`, keeps only its text); outside jest it keeps it
    const viaSdk = (await outcomeOf(() => refusedSdk.chat.completions.create(params('normal'), options), signal)).error;
    expect({ ...refusedDirect.error, providerMessage: undefined }).toEqual({ ...viaSdk, providerMessage: undefined });
  });
});
