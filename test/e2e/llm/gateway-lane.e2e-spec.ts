import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * The chat calls are answered by the gateway's own request listener
 * (gateway-lane.ts), without Express and Nest; any other spelling of the same
 * route (here: a query string) goes through Express and Nest. Both must answer
 * alike: same status, same headers, same body (but for per-request values),
 * and the same usage records.
 */
describe('gateway lane: the chat routes answer exactly as through Express and Nest (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'lane-e2e' });
    ({ app: t, apiKey } = gateway);
  }, 60_000);

  afterAll(() => gateway?.close());

  interface Answer {
    status: number;
    headers: Record<string, string>;
    body: string;
  }

  /** Values that differ per request by nature. */
  const PER_REQUEST_HEADERS = new Set(['date', 'x-request-id', 'request-id', 'x-llmhub-overhead-ms', 'content-length', 'keep-alive']);

  async function post(path: string, init: { headers?: Record<string, string>; body?: RequestInit['body'] }): Promise<Answer> {
    // a provider failure must meet closed circuits both ways
    gateway.resetBetweenTests();
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: init.headers, body: init.body });
    const body = await res.text();
    const headers: Record<string, string> = {};
    res.headers.forEach((value, name) => {
      if (!PER_REQUEST_HEADERS.has(name)) headers[name] = value;
    });
    const requestId = res.headers.get('x-request-id') ?? '';
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get('x-llmhub-overhead-ms')).toMatch(/^\d+\.\d{3}$/);
    // Anthropic's name for the same id, on /v1/messages whichever way the call went
    expect(res.headers.get('request-id')).toBe(path.startsWith('/v1/messages') ? requestId : null);
    // ids, timestamps and the generated text's own ids are per request
    const normalized = body
      .split(requestId)
      .join('<request-id>')
      .replace(/"(id|created|created_at)":\s*("[^"]*"|\d+)/g, '"$1":"<x>"')
      .replace(/chatcmpl-[\w-]+|msg_[\w-]+|resp_[\w<>-]+/g, '<x>');
    return { status: res.status, headers, body: normalized };
  }

  const json = { 'content-type': 'application/json' };
  const chat = (extra: object = {}) => JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }], max_tokens: 8, ...extra });
  const message = (extra: object = {}) =>
    JSON.stringify({ model: 'anthropic/claude-haiku-4-5', messages: [{ role: 'user', content: 'hello' }], max_tokens: 8, ...extra });

  const response = (extra: object = {}) => JSON.stringify({ model: 'openai/gpt-4o-mini', input: 'hello', max_output_tokens: 8, ...extra });

  const cases: Array<[string, string, (key: string) => { headers?: Record<string, string>; body?: RequestInit['body'] }]> = [
    ['chat completion', '/v1/chat/completions', (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: chat() })],
    [
      'chat completion under /openai/v1 (groq-sdk)',
      '/openai/v1/chat/completions',
      (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: chat() }),
    ],
    ['chat completion stream', '/v1/chat/completions', (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: chat({ stream: true }) })],
    ['message', '/v1/messages', (key) => ({ headers: { ...json, 'x-api-key': key }, body: message() })],
    ['message stream', '/v1/messages', (key) => ({ headers: { ...json, 'x-api-key': key }, body: message({ stream: true }) })],
    ['response', '/v1/responses', (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: response() })],
    ['response stream', '/v1/responses', (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: response({ stream: true }) })],
    [
      'response refused',
      '/v1/responses',
      (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: response({ previous_response_id: 'resp_1' }) }),
    ],
    [
      'gzip-compressed body',
      '/v1/chat/completions',
      (key) => ({ headers: { ...json, 'content-encoding': 'gzip', authorization: `Bearer ${key}` }, body: gzipSync(chat()) }),
    ],
    ['no key', '/v1/chat/completions', () => ({ headers: json, body: chat() })],
    ['unknown key', '/v1/messages', () => ({ headers: { ...json, 'x-api-key': 'llmhub_nope' }, body: message() })],
    ['malformed JSON', '/v1/chat/completions', (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: '{"model": ' })],
    ['not JSON', '/v1/messages', (key) => ({ headers: { 'content-type': 'text/plain', 'x-api-key': key }, body: 'hello' })],
    ['no body', '/v1/chat/completions', (key) => ({ headers: { authorization: `Bearer ${key}` } })],
    ['invalid field', '/v1/chat/completions', (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: chat({ n: 3 }) })],
    ['unknown model', '/v1/messages', (key) => ({ headers: { ...json, 'x-api-key': key }, body: message({ model: 'anthropic/nope-9' }) })],
    [
      'provider failure',
      '/v1/chat/completions',
      (key) => ({ headers: { ...json, authorization: `Bearer ${key}` }, body: chat({ messages: [{ role: 'user', content: 'x [[sim:fault=malformed]]' }] }) }),
    ],
  ];

  it.each(cases)('%s', async (_name, path, request) => {
    const lane = await post(path, request(apiKey));
    const nest = await post(`${path}?via=nest`, request(apiKey));
    expect(lane.status).toBe(nest.status);
    expect(lane.headers).toEqual(nest.headers);
    expect(lane.body).toBe(nest.body);
  });

  it('records each call alike, whichever way it came', async () => {
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      const recordOf = async (path: string, request: { headers?: Record<string, string>; body?: RequestInit['body'] }) => {
        const res = await fetch(`${t.url}${path}`, { method: 'POST', ...request });
        await res.text();
        const { rows } = await pg.query(
          `SELECT client_id::text, endpoint, provider, model, status, error_code, input_tokens, output_tokens, cost_usd::text, attempts, is_stream
             FROM llm_generation_log WHERE id = $1`,
          [res.headers.get('x-request-id')],
        );
        expect(rows).toHaveLength(1);
        return rows[0] as Record<string, unknown>;
      };
      for (const [, path, request] of [cases[0], cases[2], cases[3], cases[5], cases[6], cases[7], cases[8], cases[10], cases[13]]) {
        const lane = await recordOf(path, request(apiKey));
        expect(lane).toEqual(await recordOf(`${path}?via=nest`, request(apiKey)));
      }
    } finally {
      await pg.end();
    }
  });
});
