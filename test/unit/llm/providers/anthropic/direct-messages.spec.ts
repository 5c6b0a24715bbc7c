import type { IncomingMessage } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { providerFetch } from '@src/llm/providers/http-transport';
import { anthropicMessagesEndpoint, directMessage, directMessageStream } from '@src/llm/providers/anthropic/direct-messages';
import { waitUntil } from '@test/support/poll';
import { errorOutcome, ScriptedReply as Reply, ScriptedUpstream, startScriptedUpstream } from '@test/support/scripted-upstream';

const event = (name: string | null, data: object | string): string =>
  `${name === null ? '' : `event: ${name}\n`}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
const MESSAGE = {
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  model: 'claude-x',
  content: [],
  stop_reason: null,
  usage: { input_tokens: 5, output_tokens: 1 },
};
const NORMAL = [
  event('message_start', { type: 'message_start', message: MESSAGE }),
  event('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  event('ping', { type: 'ping' }),
  event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } }),
  event('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo ✓' } }),
  event('content_block_stop', { type: 'content_block_stop', index: 0 }),
  event('message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 2 } }),
  event('message_stop', { type: 'message_stop' }),
];

const JSON_TYPE = { 'content-type': 'application/json' };
const STREAMS: Record<string, Reply> = {
  normal: { pieces: NORMAL },
  'split everywhere': { pieces: NORMAL.join('').match(/[\s\S]{1,7}/g) ?? [] },
  crlf: { pieces: [NORMAL.join('').replace(/\n/g, '\r\n')] },
  'unnamed and empty events': { pieces: [event(null, { type: 'x' }), 'event: message_start\ndata:\n\n', ...NORMAL] },
  'error event': { pieces: [NORMAL[0], event('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })] },
  'error event, not JSON': { pieces: [NORMAL[0], event('error', 'oops')] },
  'malformed JSON': { pieces: [NORMAL[0], event('content_block_delta', '{"type": <not json>')] },
  'cut mid-stream': { pieces: NORMAL.slice(0, 3), then: 'cut' },
  'status 429': {
    status: 429,
    headers: { ...JSON_TYPE, 'retry-after': '3' },
    pieces: ['{"type":"error","error":{"type":"rate_limit_error","message":"Slow down"}}'],
  },
  'status 529': { status: 529, headers: JSON_TYPE, pieces: ['{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'] },
  'status 400 text': { status: 400, headers: { 'content-type': 'text/plain' }, pieces: ['bad'] },
};
const MESSAGES: Record<string, Reply> = {
  json: { headers: JSON_TYPE, pieces: [JSON.stringify({ ...MESSAGE, content: [{ type: 'text', text: 'Hi' }], stop_reason: 'end_turn' })] },
  'not JSON': { headers: { 'content-type': 'text/html' }, pieces: ['<html>'] },
  'broken JSON': { headers: JSON_TYPE, pieces: ['{"id": <not json>'] },
  'status 401': { status: 401, headers: JSON_TYPE, pieces: ['{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}'] },
  'status 500 empty': { status: 500, pieces: [] },
};
const REPLIES: Record<string, Reply> = { ...STREAMS, ...MESSAGES, 'stall mid-stream': { pieces: NORMAL.slice(0, 3), then: 'hold' } };

interface Outcome {
  value: unknown;
  error?: ReturnType<typeof errorOutcome>;
}

async function outcomeOf(run: () => Promise<unknown>, signal: AbortSignal): Promise<Outcome> {
  try {
    return { value: JSON.parse(JSON.stringify((await run()) ?? null)) as unknown };
  } catch (err) {
    return { value: undefined, error: errorOutcome(err, signal) };
  }
}

async function collect(events: AsyncIterable<unknown>, into: unknown[]): Promise<unknown[]> {
  for await (const e of events) into.push(e);
  return into;
}

describe('direct Anthropic Messages calls', () => {
  let upstream: ScriptedUpstream;
  let baseURL: string;

  beforeAll(async () => {
    upstream = await startScriptedUpstream((model) => REPLIES[model]);
    baseURL = upstream.url;
  });

  afterEach(() => upstream.reset());
  afterAll(() => upstream.close());

  const sdk = (): Anthropic => new Anthropic({ apiKey: 'sk-ant', baseURL, maxRetries: 0, logLevel: 'off', fetch: providerFetch('anthropic-sdk-test') });
  const endpoint = (id: string) => anthropicMessagesEndpoint(sdk(), id);
  const params = (model: string): Anthropic.MessageCreateParamsNonStreaming => ({ model, max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] });

  for (const model of Object.keys(STREAMS)) {
    it(`streams what the SDK streams and throws what it throws: ${model}`, async () => {
      const signal = new AbortController().signal;
      const options = { signal, timeout: 5_000 };
      const viaSdk: unknown[] = [];
      const sdkOutcome = await outcomeOf(async () => collect(await sdk().messages.create({ ...params(model), stream: true }, options), viaSdk), signal);
      const viaDirect: unknown[] = [];
      const stream = directMessageStream(endpoint('anthropic-direct-test'));
      const directOutcome = await outcomeOf(async () => collect(await stream({ ...params(model), stream: true }, options), viaDirect), signal);
      expect(viaDirect).toEqual(viaSdk);
      expect(directOutcome).toEqual(sdkOutcome);
    });
  }

  for (const model of Object.keys(MESSAGES)) {
    it(`answers what the SDK answers and throws what it throws: ${model}`, async () => {
      const signal = new AbortController().signal;
      const options = { signal, timeout: 5_000 };
      const sdkOutcome = await outcomeOf(() => sdk().messages.create(params(model), options), signal);
      const directOutcome = await outcomeOf(() => directMessage(endpoint('anthropic-direct-test'))(params(model), options), signal);
      expect(directOutcome).toEqual(sdkOutcome);
    });
  }

  it("sends the SDK's URL, body and headers (apart from its x-stainless-* telemetry)", async () => {
    const options = { signal: new AbortController().signal, timeout: 5_000 };
    await sdk().messages.create(params('json'), options);
    await directMessage(endpoint('anthropic-headers-test'))(params('json'), options);
    const [viaSdk, viaDirect] = upstream.requests;
    const own = (headers: IncomingMessage['headers']) =>
      Object.fromEntries(
        Object.entries(headers).filter(([name]) => !name.startsWith('x-stainless-') && !['content-length', 'connection', 'host'].includes(name)),
      );
    expect(own(viaDirect.headers)).toEqual(own(viaSdk.headers));
    expect(JSON.parse(viaDirect.body)).toEqual(JSON.parse(viaSdk.body));
  });

  it('closes the upstream connection when the signal aborts mid-stream, and ends quietly as the SDK does', async () => {
    const controller = new AbortController();
    const stream = await directMessageStream(endpoint('anthropic-abort-test'))(
      { ...params('stall mid-stream'), stream: true },
      { signal: controller.signal, timeout: 5_000 },
    );
    const seen: unknown[] = [];
    for await (const e of stream) {
      seen.push(e);
      if (seen.length === 2) controller.abort();
    }
    expect(seen).toHaveLength(2);
    await waitUntil(() => upstream.closedSockets.has(upstream.requests[0].socket), 'the upstream connection is closed');
  });
});
