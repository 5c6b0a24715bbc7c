/**
 * Every simulator fault on every provider path, through HTTP: the documented
 * status and error shape (or, for a stream that already started, the in-stream
 * error event and no normal ending), and exactly one usage record with the
 * right status, error code, provider, model, attempts, tokens and cost.
 *
 * Retries are deterministic: PROVIDER_MAX_RETRIES=1 with no backoff, so a
 * retryable fault is tried twice and a timeout once (timeouts are not retried
 * on the same provider); no fallbacks; circuits are closed before each case.
 * Every provider path is called once before the matrix, so that no case pays
 * for a cold start against the short provider timeout.
 */
import Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import OpenAI from 'openai';
import type { Client } from 'pg';
import { PricingService } from '@src/llm/pricing/pricing.service';
import { TokensService } from '@src/llm/generation/tokens.service';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { pollUntil } from '@test/support/poll';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { parseSse, SseEvent, streamedText } from '@test/support/sse';

type Fault = '429' | '500' | '503' | 'hang' | 'malformed' | 'cut' | 'stall';
type Dialect = 'openai' | 'anthropic' | 'llmhub';
type Kind = 'chat' | 'embedding' | 'image';

// every hang (and stall outside a stream) waits this long once: long enough for a loaded machine, short enough for the matrix
const PROVIDER_TIMEOUT_MS = 1000;
// healthy streams here (a client leaving half-way) share this process with the simulator: a pause of
// the process longer than this between two chunks would fail them as idle; 2 s leaves room for one on a
// loaded machine, at 1.5 s more for each streamed stall case
const STREAM_IDLE_TIMEOUT_MS = 2000;
const MAX_RETRIES = 1;
const SYSTEM = 'Answer briefly.';
const PROMPT = 'Tell me about the sea';
const MAX_TOKENS = 8;

interface ProviderCase {
  id: string;
  models: Partial<Record<Kind, string>>;
}

/** Every provider the gateway registers that calls out (the mock never does), with the models of each kind it serves. */
const PROVIDERS: ProviderCase[] = [
  { id: 'openai', models: { chat: 'gpt-4o-mini', embedding: 'text-embedding-3-small', image: 'dall-e-3' } },
  { id: 'anthropic', models: { chat: 'claude-haiku-4-5' } },
  { id: 'groq', models: { chat: 'llama-3.3-70b-versatile' } },
  { id: 'local', models: { chat: 'llama3.2', embedding: 'nomic-embed-text' } },
];

interface RouteCase {
  path: string;
  kind: Kind;
  dialect: Dialect;
  stream: boolean;
  /** the request body for `model`, with the simulator directive in the text it reads */
  body(model: string, directive: string): Record<string, unknown>;
}

const say = (directive: string) => `${PROMPT} [[sim:${directive}]]`;

const ROUTES: RouteCase[] = [
  ...[false, true].map((stream): RouteCase => ({
    path: '/v1/chat/completions',
    kind: 'chat',
    dialect: 'openai',
    stream,
    body: (model, d) => ({
      model,
      max_tokens: MAX_TOKENS,
      messages: [
        { role: 'system', content: SYSTEM },
        { role: 'user', content: say(d) },
      ],
      ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  })),
  ...[false, true].map((stream): RouteCase => ({
    path: '/v1/messages',
    kind: 'chat',
    dialect: 'anthropic',
    stream,
    body: (model, d) => ({ model, max_tokens: MAX_TOKENS, system: SYSTEM, messages: [{ role: 'user', content: say(d) }], ...(stream ? { stream: true } : {}) }),
  })),
  {
    path: '/api/v1/llm/generate',
    kind: 'chat',
    dialect: 'llmhub',
    stream: false,
    body: (model, d) => ({ model, system: SYSTEM, prompt: say(d), max_tokens: MAX_TOKENS }),
  },
  { path: '/v1/embeddings', kind: 'embedding', dialect: 'openai', stream: false, body: (model, d) => ({ model, input: [say(d)] }) },
  {
    path: '/v1/images/generations',
    kind: 'image',
    dialect: 'openai',
    stream: false,
    body: (model, d) => ({ model, prompt: say(d), n: 1, size: '1024x1024' }),
  },
  { path: '/api/v1/images/generate', kind: 'image', dialect: 'llmhub', stream: false, body: (model, d) => ({ model, prompt: say(d) }) },
];

interface FaultCase {
  fault: Fault;
  directive: string;
  /** retried on the same provider (a timeout is not: it would double the wait) */
  retried: boolean;
  /** the answer when the fault comes before anything was sent to the client */
  status: number;
  code: 'upstream_error' | 'upstream_timeout';
  /** in a stream, the fault comes after the first events (the simulator breaks the stream half-way) */
  midStream: boolean;
  /** the provider keeps the connection open without answering: the gateway must close it */
  holdsConnection: boolean;
}

const FAULTS: FaultCase[] = [
  // retry_after=0: the router honours Retry-After, and the matrix should not wait a second per case
  { fault: '429', directive: 'fault=429;retry_after=0', retried: true, status: 502, code: 'upstream_error', midStream: false, holdsConnection: false },
  { fault: '500', directive: 'fault=500', retried: true, status: 502, code: 'upstream_error', midStream: false, holdsConnection: false },
  { fault: '503', directive: 'fault=503', retried: true, status: 502, code: 'upstream_error', midStream: false, holdsConnection: false },
  { fault: 'hang', directive: 'fault=hang', retried: false, status: 504, code: 'upstream_timeout', midStream: false, holdsConnection: true },
  { fault: 'malformed', directive: 'fault=malformed', retried: true, status: 502, code: 'upstream_error', midStream: true, holdsConnection: false },
  { fault: 'cut', directive: 'fault=cut', retried: true, status: 502, code: 'upstream_error', midStream: true, holdsConnection: false },
  // half an answer, then silence: a stream fails after PROVIDER_STREAM_IDLE_TIMEOUT_MS, any other call after PROVIDER_TIMEOUT_MS (as a hang)
  { fault: 'stall', directive: 'fault=stall', retried: false, status: 504, code: 'upstream_timeout', midStream: true, holdsConnection: true },
];

interface MatrixCase {
  name: string;
  provider: ProviderCase;
  model: string;
  route: RouteCase;
  fault: FaultCase;
}

const MATRIX: MatrixCase[] = PROVIDERS.flatMap((provider) =>
  ROUTES.flatMap((route) => {
    const model = provider.models[route.kind];
    if (!model) return [];
    return FAULTS.map((fault) => ({
      name: `${provider.id} ${route.path}${route.stream ? ' (stream)' : ''} fault=${fault.fault}`,
      provider,
      model,
      route,
      fault,
    }));
  }),
);

const OPENAI_ERROR_TYPE: Record<number, string> = { 502: 'server_error', 504: 'server_error' };
const ANTHROPIC_ERROR_TYPE: Record<number, string> = { 502: 'api_error', 504: 'timeout_error' };

/** The route's documented error envelope (docs/API.md, Errors) for `code` at `status`. */
function expectedErrorBody(dialect: Dialect, status: number, code: string, requestId: string): unknown {
  const message = expect.any(String);
  if (dialect === 'openai') return { error: { message, type: OPENAI_ERROR_TYPE[status], param: null, code, details: [] }, request_id: requestId };
  if (dialect === 'anthropic') return { type: 'error', error: { type: ANTHROPIC_ERROR_TYPE[status], message, code, details: [] }, request_id: requestId };
  return { error: { code, message, details: [] }, request_id: requestId };
}

describe('provider faults through HTTP: status, error shape and one usage record', () => {
  let gateway: GatewayFixture;
  let sim: ProviderSimulator;
  let t: TestApp;
  let db: Client;
  let apiKey: string;
  let pricing: PricingService;
  let tokens: TokensService;

  beforeAll(async () => {
    gateway = await startGatewayFixture({
      clientName: 'faults',
      env: (simUrl) => ({
        CUSTOM_PROVIDERS: JSON.stringify([{ name: 'local', base_url: `${simUrl}/v1`, models: ['llama3.2', 'nomic-embed-text'] }]),
        MOCK_PROVIDER: 'off',
        PROVIDER_MAX_RETRIES: String(MAX_RETRIES),
        PROVIDER_RETRY_BASE_MS: '0',
        PROVIDER_TIMEOUT_MS: String(PROVIDER_TIMEOUT_MS),
        PROVIDER_STREAM_IDLE_TIMEOUT_MS: String(STREAM_IDLE_TIMEOUT_MS),
      }),
    });
    ({ sim, app: t, apiKey, db } = gateway);
    // warm-up, not asserted (the matrix is): one answered call on every provider path
    for (const { provider, model, route } of MATRIX.filter((c) => c.fault.fault === '429')) {
      await call(route, provider, model, 'output_tokens=2').then((res) => res.text());
    }
    pricing = t.app.get(PricingService);
    tokens = t.app.get(TokensService);
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  function call(route: RouteCase, provider: ProviderCase, model: string, directive: string): Promise<Response> {
    return fetch(`${t.url}${route.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(route.body(`${provider.id}/${model}`, directive)),
      signal: AbortSignal.timeout(10_000),
    });
  }

  async function logRows(): Promise<number> {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM llm_generation_log');
    return rows[0].n;
  }

  /** Records handed to the recorder, from /metrics: a duplicate the database deduplicated by id still shows here. */
  async function recordedCalls(): Promise<number> {
    const text = await (await fetch(`${t.url}/metrics`)).text();
    let sum = 0;
    for (const line of text.split('\n')) if (line.startsWith('llmhub_generations_total{')) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    return sum;
  }

  it('covers every provider path and fault', () => {
    // 4 providers × 5 chat paths, openai and local embeddings, openai on both image paths; 6 faults each
    expect(MATRIX).toHaveLength((4 * 5 + 2 + 2) * FAULTS.length);
  });

  it.each(MATRIX)('$name', async ({ provider, model, route, fault }) => {
    const rowsBefore = await logRows();
    const recordedBefore = await recordedCalls();
    const res = await call(route, provider, model, fault.directive);
    const text = await res.text();
    const requestId = res.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const brokeMidStream = route.stream && fault.midStream;
    const attempts = brokeMidStream || !fault.retried ? 1 : 1 + MAX_RETRIES;
    let expectedTokens = { inputTokens: 0, outputTokens: 0 };
    if (brokeMidStream) {
      // the stream opened: 200, some text, then the documented error event and no normal ending
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = parseSse(text);
      const seen = streamedText(events);
      expect(seen).toMatch(/^word1 /);
      expectStreamError(route.dialect, events, requestId, fault);
      // what was streamed counts: the prompt as Anthropic reported it at the start (the others report nothing
      // before their end: as estimated), and the text the client received
      expectedTokens = {
        inputTokens:
          provider.id === 'anthropic' ? sim.requests[0].usage!.input_tokens : tokens.countMessages(SYSTEM, [{ role: 'user', content: say(fault.directive) }]),
        outputTokens: tokens.count(seen),
      };
    } else {
      expect({ status: res.status, body: JSON.parse(text), shouldRetry: res.headers.get('x-should-retry') }).toEqual({
        status: fault.status,
        body: expectedErrorBody(route.dialect, fault.status, fault.code, requestId),
        // the gateway already retried: an SDK that obeys this does not send the call again
        shouldRetry: 'false',
      });
    }

    // upstream attempts, as the simulator saw them
    expect(sim.requests).toHaveLength(attempts);
    if (fault.holdsConnection) {
      // the gateway gave up on the provider and closed the connection it was holding
      const open = await pollUntil(
        () => sim.requests.filter((r) => !r.aborted).length,
        (n) => n === 0,
      );
      expect(open).toBe(0);
    }

    // exactly one record, under the request id, handed to the recorder once
    expect(await logRows()).toBe(rowsBefore + 1);
    expect(await recordedCalls()).toBe(recordedBefore + 1);
    const { rows } = await db.query('SELECT * FROM llm_generation_log WHERE id = $1', [requestId]);
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({
      endpoint: route.path,
      provider: provider.id,
      model,
      requested_model: null,
      status: 'error',
      error_code: fault.code,
      attempts,
      is_stream: route.stream,
      input_tokens: expectedTokens.inputTokens,
      output_tokens: expectedTokens.outputTokens,
    });
    const expectedCost = brokeMidStream ? pricing.cost(`${provider.id}/${model}`, expectedTokens) : new Decimal(0);
    if (expectedCost === null) {
      expect(row).toMatchObject({ cost_usd: null, price_unknown: true });
    } else {
      expect(row.price_unknown).toBe(false);
      expect(new Decimal(row.cost_usd).toFixed()).toBe(expectedCost.toFixed());
    }
    if (brokeMidStream && provider.id !== 'local') expect(expectedCost!.gt(0)).toBe(true);
  });

  describe('a client that leaves a stream half-way', () => {
    it('is charged the prompt Anthropic reported at the start (cache reads at their price), not an estimate; the upstream call is closed', async () => {
      const anthropic = new Anthropic({ baseURL: t.url, apiKey, maxRetries: 0 });
      const model = 'anthropic/claude-haiku-4-5';
      const system = [{ type: 'text' as const, text: 'A long reference text about the sea and its tides.', cache_control: { type: 'ephemeral' as const } }];
      // the first call writes the prompt cache; the second reads it
      const warm = await anthropic.messages.create({ model, max_tokens: MAX_TOKENS, system, messages: [{ role: 'user', content: 'Hi' }] });
      const cacheRead = warm.usage.cache_creation_input_tokens!;
      expect(cacheRead).toBeGreaterThan(0);

      const content = 'Hi [[sim:output_tokens=50;chunk_delay_ms=50]]';
      const { data: stream, response } = await anthropic.messages
        .create({ model, max_tokens: 50, system, messages: [{ role: 'user', content }], stream: true })
        .withResponse();
      let text = '';
      for await (const event of stream) {
        if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
        if (text.includes('word3')) break; // the SDK aborts its request
      }
      const upstream = sim.requests.at(-1)!;
      expect(
        await pollUntil(
          () => upstream.aborted,
          (aborted) => aborted,
        ),
      ).toBe(true);

      const requestId = response.headers.get('x-request-id')!;
      const [row] = await pollUntil(
        async () => (await db.query('SELECT * FROM llm_generation_log WHERE id = $1', [requestId])).rows,
        (rows) => rows.length === 1,
      );
      const usage = { inputTokens: upstream.usage!.input_tokens + cacheRead, outputTokens: row.output_tokens, cachedInputTokens: cacheRead };
      expect(row).toMatchObject({ status: 'cancelled', error_code: 'client_closed_request', input_tokens: usage.inputTokens, cached_input_tokens: cacheRead });
      expect(row.output_tokens).toBeGreaterThanOrEqual(3);
      expect(row.output_tokens).toBeLessThan(50);
      expect(new Decimal(row.cost_usd).toFixed()).toBe(pricing.cost(model, usage)!.toFixed());
    });
  });

  describe('through the official SDKs with their default retries (two more on a 5xx)', () => {
    const SDK_FAULTS = FAULTS.filter((f) => f.fault === '500' || f.fault === 'hang');
    const SDK_CASES = (['openai', 'anthropic'] as const).flatMap((sdk) =>
      [false, true].flatMap((stream) =>
        SDK_FAULTS.map((fault) => ({ name: `${sdk} SDK${stream ? ' (stream)' : ''} fault=${fault.fault}`, sdk, stream, fault })),
      ),
    );

    /** The SDK's call with `directive`, settled to the error it raised. */
    function sdkCall(sdk: 'openai' | 'anthropic', stream: boolean, directive: string): Promise<unknown> {
      const content = say(directive);
      if (sdk === 'openai') {
        const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey });
        return openai.chat.completions.create({ model: 'openai/gpt-4o-mini', max_tokens: MAX_TOKENS, messages: [{ role: 'user', content }], stream }).then(
          () => undefined,
          (e: unknown) => e,
        );
      }
      const anthropic = new Anthropic({ baseURL: t.url, apiKey });
      const body = { model: 'anthropic/claude-haiku-4-5', max_tokens: MAX_TOKENS, messages: [{ role: 'user' as const, content }], stream };
      return anthropic.messages.create(body).then(
        () => undefined,
        (e: unknown) => e,
      );
    }

    it.each(SDK_CASES)('$name: the SDK does not send it again; the provider is tried as configured, one record', async ({ sdk, stream, fault }) => {
      const rowsBefore = await logRows();
      const error = (await sdkCall(sdk, stream, fault.directive)) as InstanceType<typeof OpenAI.APIError>;
      expect(error).toBeInstanceOf(sdk === 'openai' ? OpenAI.APIError : Anthropic.APIError);
      expect(error.status).toBe(fault.status);
      const body = (sdk === 'openai' ? error.error : (error.error as { error: unknown }).error) as { code?: string };
      expect(body.code).toBe(fault.code);
      // the gateway's own attempts only, not three times as many
      const attempts = fault.retried ? 1 + MAX_RETRIES : 1;
      expect(sim.requests).toHaveLength(attempts);
      expect(await logRows()).toBe(rowsBefore + 1);
      const { rows } = await db.query('SELECT status, error_code, attempts, is_stream FROM llm_generation_log WHERE id = $1', [error.requestID]);
      expect(rows).toEqual([{ status: 'error', error_code: fault.code, attempts, is_stream: stream }]);
    });
  });
});

/** A started stream that failed ends with the dialect's error event, never with its normal ending. */
function expectStreamError(dialect: Dialect, events: SseEvent[], requestId: string, fault: FaultCase): void {
  const last = events.at(-1)!;
  if (dialect === 'openai') {
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    expect(last.event).toBeUndefined();
    expect(JSON.parse(last.data)).toEqual({
      error: { message: expect.stringContaining('stream failed'), type: OPENAI_ERROR_TYPE[fault.status], param: null, code: fault.code, details: [] },
      request_id: requestId,
    });
  } else {
    expect(events.some((e) => e.event === 'message_stop')).toBe(false);
    expect(last.event).toBe('error');
    expect(JSON.parse(last.data)).toEqual({
      type: 'error',
      error: { type: ANTHROPIC_ERROR_TYPE[fault.status], message: expect.stringContaining('stream failed'), code: fault.code, details: [] },
      request_id: requestId,
    });
  }
}
