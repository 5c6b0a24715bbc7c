/**
 * What a careless or hostile client, or a broken provider, sends the gateway's
 * client routes, beyond what the other reliability specs cover: each call is
 * answered in its route's envelope with the status and field a user of the
 * official SDKs expects, and leaves exactly one usage record.
 */
import type { Client } from 'pg';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { ScriptedReply, ScriptedUpstream, startScriptedUpstream } from '@test/support/scripted-upstream';
import { parseSse } from '@test/support/sse';

const json = (body: unknown): ScriptedReply => ({ status: 200, headers: { 'content-type': 'application/json' }, pieces: [JSON.stringify(body)] });
const completion = (usage: unknown, choices: unknown[] = [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }]) =>
  json({ id: 'chatcmpl-x', object: 'chat.completion', created: 1, model: 'm', choices, usage });
const chunk = (body: unknown) => `data: ${JSON.stringify(body)}\n\n`;
const delta = (d: unknown, finish: string | null = null) => ({
  id: 'x',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: d, finish_reason: finish }],
});

/** A load balancer's error page, padded as real ones are with inline scripts and styles. */
const PADDING = '/* x */'.repeat(40_000);
const ERROR_PAGE = `<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title><script>${PADDING}</script></head><body>Bad gateway</body></html>`;
const html = (status: number): ScriptedReply => ({ status, headers: { 'content-type': 'text/html' }, pieces: [ERROR_PAGE] });

/** What the scripted provider answers, by the model the gateway asks it for. */
const REPLIES: Record<string, ScriptedReply> = {
  'html-error-page': html(502),
  'html-ok-page': html(200),
  'html-ok-embedder': html(200),
  // a local server that ignored `stream` to refuse the call in a 200 (as Ollama's OpenAI layer can)
  'json-to-stream': json({ error: { message: "model 'json-to-stream' not found, try pulling it first" } }),
  'trillion-tokens': completion({ prompt_tokens: 1e12, completion_tokens: 2, total_tokens: 1e12 + 2 }),
  'fractional-tokens': completion({ prompt_tokens: 3, completion_tokens: 3.5, total_tokens: 6.5 }),
  'text-cache-count': completion({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, prompt_tokens_details: { cached_tokens: '2' } }),
  'null-choice': completion({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, [null]),
  'streamed-trillion': {
    pieces: [
      chunk(delta({ role: 'assistant', content: 'Hel' })),
      chunk(delta({}, 'stop')),
      chunk({ ...delta({}), choices: [], usage: { prompt_tokens: 1e12, completion_tokens: 2, total_tokens: 1e12 + 2 } }),
      'data: [DONE]\n\n',
    ],
  },
  // Anthropic's own shape (ANTHROPIC_BASE_URL points here too), its usage in parts that sum past an int
  'claude-haiku-4-5': json({
    id: 'msg_x',
    type: 'message',
    role: 'assistant',
    model: 'claude-haiku-4-5',
    content: [{ type: 'text', text: 'hi' }],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 2_000_000_000, cache_read_input_tokens: 2_000_000_000, output_tokens: 2 },
  }),
};

describe('hostile requests and broken providers: a clear answer and one usage record', () => {
  let gateway: GatewayFixture;
  let upstream: ScriptedUpstream;
  let db: Client;

  beforeAll(async () => {
    upstream = await startScriptedUpstream((model) => REPLIES[model] ?? completion({ prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }));
    gateway = await startGatewayFixture({
      clientName: 'hostile',
      env: () => ({
        CUSTOM_PROVIDERS: JSON.stringify([{ name: 'local', base_url: `${upstream.url}/v1`, models: Object.keys(REPLIES) }]),
        ANTHROPIC_BASE_URL: upstream.url,
        PROVIDER_MAX_RETRIES: '0',
      }),
    });
    db = gateway.db;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  function post(path: string, body: unknown): Promise<Response> {
    return fetch(`${gateway.app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  }

  /** The call's rows in llm_generation_log (a record is committed before its response is sent). */
  async function recordsOf(res: Response): Promise<{ status: string; error_code: string | null; metadata: unknown }[]> {
    const { rows } = await db.query('SELECT status, error_code, metadata FROM llm_generation_log WHERE id = $1', [res.headers.get('x-request-id')]);
    return rows;
  }

  describe('metadata holding a lone UTF-16 surrogate (valid JSON: "\\ud800")', () => {
    const metadata = { note: 'half a pair: \ud800', ['\udc00key']: ['ok', 'a\u0000b'] };
    const stored = { note: 'half a pair: \ufffd', ['\ufffdkey']: ['ok', 'ab'] };

    it.each([
      ['/v1/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], metadata }],
      ['/v1/messages', { model: 'mock/echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], metadata }],
      ['/api/v1/llm/generate', { model: 'mock/echo', prompt: 'hi', metadata }],
    ])('%s answers and records the call, the surrogate stored as U+FFFD', async (path, body) => {
      const res = await post(path, body);
      expect(res.status).toBe(200);
      expect(await recordsOf(res)).toEqual([{ status: 'success', error_code: null, metadata: stored }]);
    });
  });

  describe('metadata too large to keep with every record', () => {
    const big = { blob: 'x'.repeat(16_384) };
    it.each([
      ['/v1/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], metadata: big }, 400, 'invalid_request_error'],
      ['/v1/messages', { model: 'mock/echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }], metadata: big }, 400, 'invalid_request_error'],
      ['/v1/responses', { model: 'mock/echo', input: 'hi', metadata: big }, 400, 'invalid_request_error'],
      ['/api/v1/llm/generate', { model: 'mock/echo', prompt: 'hi', metadata: big }, 422, undefined],
    ])('%s refuses it naming metadata and its size, before any provider is called', async (path, body, status, errorType) => {
      const res = await post(path, body);
      expect(res.status).toBe(status);
      const text = await res.text();
      expect(text).toContain('metadata');
      expect(text).toContain('at most 16384 characters of JSON (got 16395)');
      if (errorType) expect(JSON.parse(text).error.type).toBe(errorType);
    });

    it('accepts metadata just under the limit and stores it whole', async () => {
      const fits = { blob: 'x'.repeat(16_384 - '{"blob":""}'.length) };
      const res = await post('/v1/chat/completions', { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], metadata: fits });
      expect(res.status).toBe(200);
      expect(await recordsOf(res)).toEqual([{ status: 'success', error_code: null, metadata: fits }]);
    });
  });

  describe('a provider reporting token counts that are not counts', () => {
    it.each([
      ['a trillion prompt tokens', 'local/trillion-tokens', 'input tokens = 1000000000000'],
      ['half a completion token', 'local/fractional-tokens', 'output tokens = 3.5'],
      ['a cached count as text', 'local/text-cache-count', 'cached input tokens = "2"'],
      ['Anthropic parts summing past the largest count', 'anthropic/claude-haiku-4-5', 'input tokens = 4000000000'],
    ])('%s: 502 upstream_error naming the count, and one error record', async (_name, model, named) => {
      const res = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] });
      const body = (await res.json()) as { error: { code: string; type: string; message: string } };
      expect({ status: res.status, code: body.error.code, type: body.error.type }).toEqual({ status: 502, code: 'upstream_error', type: 'server_error' });
      expect(body.error.message).toContain(named);
      expect(await recordsOf(res)).toEqual([{ status: 'error', error_code: 'upstream_error', metadata: null }]);
    });

    it('on /v1/messages too, in the Anthropic error shape', async () => {
      const res = await post('/v1/messages', { model: 'local/trillion-tokens', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ type: 'error', error: { type: 'api_error', code: 'upstream_error' } });
      expect(await recordsOf(res)).toHaveLength(1);
    });

    it('in a stream: the text sent, then an error event instead of the usage, and one error record', async () => {
      const res = await post('/v1/chat/completions', {
        model: 'local/streamed-trillion',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'hi' }],
      });
      expect(res.status).toBe(200);
      const events = parseSse(await res.text());
      expect(events.some((e) => e.data.includes('"Hel"'))).toBe(true);
      expect(events.at(-1)?.data).toContain('upstream_error');
      expect(events.some((e) => e.data === '[DONE]')).toBe(false);
      expect(await recordsOf(res)).toEqual([{ status: 'error', error_code: 'upstream_error', metadata: null }]);
    });
  });

  describe("a proxy's HTML page where the provider's JSON was expected", () => {
    it.each([
      ['a 502 error page', '/v1/chat/completions', { model: 'local/html-error-page', messages: [{ role: 'user', content: 'hi' }] }],
      ['a 200 HTML page', '/v1/chat/completions', { model: 'local/html-ok-page', messages: [{ role: 'user', content: 'hi' }] }],
      ['a 200 HTML page for embeddings', '/v1/embeddings', { model: 'local/html-ok-embedder', input: 'hi' }],
    ])('%s: 502 upstream_error quoting the page by its title, not its 280 KB, in the answer and the record', async (_name, path, body) => {
      const res = await post(path, body);
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect({ status: res.status, code: answer.error.code }).toEqual({ status: 502, code: 'upstream_error' });
      expect(answer.error.message).toContain('an HTML page titled "502 Bad Gateway"');
      expect(answer.error.message).not.toContain('<script>');
      expect(answer.error.message.length).toBeLessThan(500);
      const { rows } = await db.query('SELECT error_message FROM llm_generation_log WHERE id = $1', [res.headers.get('x-request-id')]);
      expect(rows).toEqual([{ error_message: answer.error.message }]);
    });

    it.each([
      ['JSON', 'local/json-to-stream', "application/json where an event stream was expected: model 'json-to-stream' not found, try pulling it first"],
      ['an HTML page', 'local/html-ok-page', 'text/html where an event stream was expected: an HTML page titled "502 Bad Gateway"'],
    ])('a stream request answered 200 with %s: 502 upstream_error saying what came, not a stream that "ended"', async (_name, model, said) => {
      const res = await post('/v1/chat/completions', { model, stream: true, messages: [{ role: 'user', content: 'hi' }] });
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect({ status: res.status, code: answer.error.code }).toEqual({ status: 502, code: 'upstream_error' });
      expect(answer.error.message).toContain(said);
      expect(await recordsOf(res)).toEqual([{ status: 'error', error_code: 'upstream_error', metadata: null }]);
    });

    it('says a 200 that is not JSON is not JSON, rather than an answer without a choice', async () => {
      const res = await post('/v1/chat/completions', { model: 'local/html-ok-page', messages: [{ role: 'user', content: 'hi' }] });
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain('The provider answered with something other than JSON');
    });
  });

  it('calls a null choice a malformed answer, not a connection failure', async () => {
    const res = await post('/v1/chat/completions', { model: 'local/null-choice', messages: [{ role: 'user', content: 'hi' }] });
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect({ status: res.status, code: body.error.code }).toEqual({ status: 502, code: 'upstream_error' });
    expect(body.error.message).toContain('choice without a message');
    expect(await recordsOf(res)).toHaveLength(1);
  });

  describe('fields of the other wire format, which would be silently dropped', () => {
    const messages = [{ role: 'user', content: 'hi' }];
    it.each([
      ['/v1/chat/completions', 'system', { model: 'mock/echo', messages, system: 'Answer in French.' }],
      ['/v1/chat/completions', 'stop_sequences', { model: 'mock/echo', messages, stop_sequences: ['END'] }],
      ['/v1/messages', 'stop', { model: 'mock/echo', max_tokens: 16, messages, stop: ['END'] }],
      ['/v1/messages', 'response_format', { model: 'openai/gpt-4o-mini', max_tokens: 16, messages, response_format: { type: 'json_object' } }],
      ['/v1/messages', 'n', { model: 'openai/gpt-4o-mini', max_tokens: 16, messages, n: 3 }],
      ['/v1/messages', 'logprobs', { model: 'openai/gpt-4o-mini', max_tokens: 16, messages, logprobs: true }],
    ])('%s refuses %s with 400 naming it, without calling the provider, and records the refusal', async (path, field, body) => {
      const res = await post(path, body);
      const answer = (await res.json()) as { error: { code: string; type: string; details: { field: string }[] } };
      expect({ status: res.status, code: answer.error.code, type: answer.error.type }).toEqual({
        status: 400,
        code: 'validation_error',
        type: 'invalid_request_error',
      });
      expect(answer.error.details.map((d) => d.field)).toEqual([field]);
      expect(gateway.sim.requests).toHaveLength(0);
      expect(await recordsOf(res)).toEqual([{ status: 'rejected', error_code: 'validation_error', metadata: null }]);
    });

    it('still accepts n = 1 and logprobs false on /v1/messages (the defaults)', async () => {
      const res = await post('/v1/messages', { model: 'mock/echo', max_tokens: 16, messages, n: 1, logprobs: false });
      expect(res.status).toBe(200);
    });
  });

  it('/v1/messages names an empty user content array, rather than saying no messages were given', async () => {
    const res = await post('/v1/messages', {
      model: 'mock/echo',
      max_tokens: 16,
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: 'hello' },
        { role: 'user', content: [] },
      ],
    });
    const body = (await res.json()) as { type: string; error: { type: string; details: { field: string; message: string }[] } };
    expect(res.status).toBe(400);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.details).toEqual([{ field: 'messages[2].content', message: 'a user turn needs at least one content block' }]);
    expect(await recordsOf(res)).toHaveLength(1);
  });
});
