/**
 * Refused client calls that once slipped past the usage log: each is answered
 * with its documented 4xx and is exactly one `rejected` record with that code
 * and no cost (docs/API.md: every client call, refused or not, is one row);
 * a refused request that is no call (a token count, a template read) leaves none.
 */
import Decimal from 'decimal.js';
import { Client } from 'pg';
import { startTestApp, TestApp } from '@test/support/app';

interface RefusedCase {
  name: string;
  path: string;
  /** false: an invalid key */
  validKey: boolean;
  body: Record<string, unknown>;
  status: number;
  code: string;
  field?: string;
  /** the endpoint its record names, when not its path: the same as its successes' */
  endpoint?: string;
}

const CASES: RefusedCase[] = [
  // an unknown provider is the caller's mistake, like an unknown model: not 503 provider_unavailable (an open circuit)
  {
    name: 'generate naming an unknown provider',
    path: '/api/v1/llm/generate',
    validKey: true,
    body: { prompt: 'hi', provider: 'nope' },
    status: 422,
    code: 'validation_error',
    field: 'provider',
  },
  {
    name: 'images naming an unknown provider',
    path: '/api/v1/images/generate',
    validKey: true,
    body: { prompt: 'a fox', provider: 'nope' },
    status: 422,
    code: 'validation_error',
    field: 'provider',
  },
  // /openai/v1 is where groq-sdk sends the OpenAI-compatible calls
  {
    name: 'a bad body on /openai/v1',
    path: '/openai/v1/chat/completions',
    validKey: true,
    body: { model: 'mock/echo' },
    status: 400,
    code: 'validation_error',
    field: 'messages',
    endpoint: '/v1/chat/completions',
  },
  {
    name: 'an invalid key on /openai/v1',
    path: '/openai/v1/chat/completions',
    validKey: false,
    body: { model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] },
    status: 401,
    code: 'invalid_api_key',
    endpoint: '/v1/chat/completions',
  },
  // the router takes any letter case and a trailing slash: so does the usage log
  {
    name: 'an invalid key on another spelling of the path',
    path: '/V1/Messages/',
    validKey: false,
    body: { model: 'mock/echo', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] },
    status: 401,
    code: 'invalid_api_key',
    endpoint: '/v1/messages',
  },
];

describe('refused client calls are recorded once, and refusals of what is no call not at all', () => {
  let t: TestApp;
  let db: Client;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    const admin = { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' };
    const client = (await (
      await fetch(`${t.url}/api/admin/clients`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'refused' }) })
    ).json()) as {
      id: string;
    };
    const key = (await (
      await fetch(`${t.url}/api/admin/clients/${client.id}/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'k' }) })
    ).json()) as { key: string };
    apiKey = key.key;
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  }, 60_000);

  const loggedRows = async (): Promise<number> => (await db.query('SELECT count(*)::int AS n FROM llm_generation_log')).rows[0].n as number;

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it.each(CASES)('$name: $status $code and one rejected record', async (c) => {
    const before = await loggedRows();
    const res = await fetch(`${t.url}${c.path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.validKey ? apiKey : 'lh_not_a_key'}`, 'content-type': 'application/json' },
      body: JSON.stringify(c.body),
    });
    const body = (await res.json()) as { error: { code: string; details: { field: string }[] } };
    expect({ status: res.status, code: body.error.code }).toEqual({ status: c.status, code: c.code });
    if (c.field) expect(body.error.details.map((d) => d.field)).toEqual([c.field]);

    const requestId = res.headers.get('x-request-id');
    const { rows } = await db.query('SELECT endpoint, status, error_code, cost_usd, input_tokens, output_tokens FROM llm_generation_log WHERE id = $1', [
      requestId,
    ]);
    const endpoint = c.endpoint ?? c.path;
    expect(rows).toEqual([{ endpoint, status: 'rejected', error_code: c.code, cost_usd: expect.any(String), input_tokens: 0, output_tokens: 0 }]);
    expect(new Decimal(rows[0].cost_usd as string).isZero()).toBe(true);
    expect(await loggedRows()).toBe(before + 1);
  });

  // their successes are no call either: a refused one would show in reports as a refused call
  it.each([
    { name: 'a malformed token count', method: 'POST', path: '/v1/messages/count_tokens', body: '{"model":' },
    { name: 'a token count with an invalid key', method: 'POST', path: '/v1/messages/count_tokens', body: '{"model":"mock/echo"}' },
    { name: 'a model list with an invalid key', method: 'GET', path: '/v1/models' },
    { name: 'a model lookup with an invalid key', method: 'GET', path: '/openai/v1/models/mock%2Fecho' },
    { name: 'a stored response read with an invalid key', method: 'GET', path: '/v1/responses/resp_0123' },
    { name: 'a template render with an invalid key', method: 'POST', path: '/api/v1/prompts/greeting/render', body: '{}' },
    { name: 'a billing query with an invalid key', method: 'GET', path: '/api/v1/billing/usage?granularity=day' },
    { name: 'an unknown /v1 route', method: 'POST', path: '/v1/no-such-route', body: '{}' },
  ])('$name', async ({ method, path, body }) => {
    const before = await loggedRows();
    const res = await fetch(`${t.url}${path}`, {
      method,
      headers: { authorization: 'Bearer lh_not_a_key', 'x-api-key': 'lh_not_a_key', 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    // a refusal is recorded before its answer is sent, so the count is final here
    expect(await loggedRows()).toBe(before);
  });
});
