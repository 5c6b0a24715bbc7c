import OpenAI from 'openai';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';
import { ProviderSimulator, startProviderSimulator } from '@test/support/provider-simulator/server';

interface LogRow {
  client_id: string | null;
  status: string;
  error_code: string | null;
  cost_usd: string | null;
}

/**
 * Every refusal (docs/API.md, Errors) over HTTP with the real OpenAI SDK, and its
 * one row in llm_generation_log: no refused call goes unrecorded,
 * and none reaches the provider.
 */
describe('refused calls over HTTP', () => {
  let t: TestApp;
  let sim: ProviderSimulator;
  let pg: Client;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  /** Creates the client with its limits before its first call (limits are cached for a few seconds). */
  async function newClient(body: Record<string, unknown> = {}): Promise<{ id: string; key: string }> {
    const client = await request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `refusals-${Math.random().toString(36).slice(2)}`, ...body })
      .expect(201);
    const key = await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'main' }).expect(201);
    return { id: client.body.id, key: key.body.key };
  }

  function sdk(apiKey: string): OpenAI {
    return new OpenAI({ baseURL: `${t.url}/v1`, apiKey, maxRetries: 0 });
  }

  function chat(openai: OpenAI, model = 'openai/gpt-4o-mini', content = 'hello there', maxTokens = 16) {
    return openai.chat.completions.create({ model, messages: [{ role: 'user', content }], max_tokens: maxTokens }).withResponse();
  }

  /** The SDK's error for a call expected to fail. */
  async function refusal(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
    try {
      await call;
    } catch (error) {
      if (error instanceof OpenAI.APIError) return error;
      throw error;
    }
    throw new Error('the call was expected to be refused, and succeeded');
  }

  /** The log rows of one request id (the refusal is committed before its answer leaves). */
  async function logRows(requestId: string | null | undefined): Promise<LogRow[]> {
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const { rows } = await pg.query<LogRow>(`SELECT client_id::text, status, error_code, cost_usd::text FROM llm_generation_log WHERE id = $1`, [requestId]);
    return rows;
  }

  function refusalRow(clientId: string | null, status: string, errorCode: string): LogRow[] {
    return [{ client_id: clientId, status, error_code: errorCode, cost_usd: expect.stringMatching(/^0(\.0+)?$/) }];
  }

  beforeAll(async () => {
    sim = await startProviderSimulator();
    t = await startTestApp({ OPENAI_BASE_URL: `${sim.url}/v1`, OPENAI_API_KEY: 'sk-test' });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
    await sim?.close();
  });

  it('counts down x-ratelimit-remaining-requests, then answers 429 with Retry-After past the RPM limit, and records it', async () => {
    const { id, key } = await newClient({ rate_limit_rpm: 3 });
    const openai = sdk(key);
    const reached = sim.requests.length;
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await chat(openai);
      expect(response.headers.get('x-ratelimit-limit-requests')).toBe('3');
      remaining.push(response.headers.get('x-ratelimit-remaining-requests') ?? 'missing');
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const before = sim.requests.length;
    expect(before).toBe(reached + 3);

    const error = await refusal(chat(openai));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(error.headers?.get('x-ratelimit-limit-requests')).toBe('3');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.headers?.get('x-ratelimit-reset-requests')).toMatch(/^\d+s$/);
    expect(sim.requests.length).toBe(before);
    expect(await logRows(error.headers?.get('x-request-id'))).toEqual(refusalRow(id, 'rate_limited', 'rate_limited'));
  });

  it('answers 429 once a call would take more tokens than the TPM limit leaves, and records it', async () => {
    const { id, key } = await newClient({ rate_limit_tpm: 100 });
    const openai = sdk(key);
    // the reply really uses its whole max_tokens, so settling refunds next to nothing
    const { response } = await chat(openai, 'openai/gpt-4o-mini', 'spend tokens [[sim:output_tokens=80]]', 80);
    expect(response.headers.get('x-ratelimit-limit-tokens')).toBe('100');
    expect(Number(response.headers.get('x-ratelimit-remaining-tokens'))).toBeLessThan(100);
    const before = sim.requests.length;

    const error = await refusal(chat(openai, 'openai/gpt-4o-mini', 'again please', 80));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.code).toBe('rate_limited');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(error.headers?.get('x-ratelimit-limit-tokens')).toBe('100');
    expect(sim.requests.length).toBe(before);
    expect(await logRows(error.headers?.get('x-request-id'))).toEqual(refusalRow(id, 'rate_limited', 'rate_limited'));
  });

  it('refuses a model outside the allow-list with 403 model_not_allowed before any provider call, and records it', async () => {
    const { id, key } = await newClient({ allowed_models: ['openai/gpt-4o-mini'] });
    const openai = sdk(key);
    const reached = sim.requests.length;
    await chat(openai, 'openai/gpt-4o-mini');
    const before = sim.requests.length;
    expect(before).toBe(reached + 1);

    const error = await refusal(chat(openai, 'openai/gpt-4o'));
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe('model_not_allowed');
    expect(sim.requests.length).toBe(before);
    expect(await logRows(error.headers?.get('x-request-id'))).toEqual(refusalRow(id, 'rejected', 'model_not_allowed'));
  });

  it('explains a 402 on a small budget: the reservation needed, what remains, and that max_tokens lowers it; with max_tokens it goes through', async () => {
    const { key } = await newClient({ monthly_budget_usd: 0.0001 });
    const openai = sdk(key);
    const before = sim.requests.length;
    const error = await refusal(openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'a short tagline' }] }));
    expect(error.status).toBe(402);
    expect(error.code).toBe('budget_exceeded');
    expect(sim.requests.length).toBe(before);
    const details = (error.error as { details: { field: string; value: string | number; message: string }[] }).details;
    const value = (field: string) => details.find((d) => d.field === field)?.value;
    const reserved = String(value('reserved_usd'));
    expect(reserved).toMatch(/^\d+\.\d+$/);
    expect(Number(reserved)).toBeGreaterThan(0.0001);
    expect(value('remaining_usd')).toBe('0.0001');
    expect(value('budget_usd')).toBe('0.0001');
    expect(value('max_tokens')).toBe(1024);
    expect(error.message).toContain(`it needs ${reserved} USD reserved`);
    expect(error.message).toContain('0.0001 USD remains');
    expect(error.message).toContain('1024 output tokens assumed, as no max_tokens was set');
    expect(error.message).toContain('Setting max_tokens lowers the reservation.');

    const { data } = await chat(openai, 'openai/gpt-4o-mini', 'a short tagline', 16);
    expect(data.choices[0].message.content).toBeTruthy();
    expect(sim.requests.length).toBe(before + 1);
  });

  it('refuses a call the monthly budget cannot cover with 402 budget_exceeded before any provider call, and records it', async () => {
    const { id, key } = await newClient({ monthly_budget_usd: '0.000001' });
    const before = sim.requests.length;

    const error = await refusal(chat(sdk(key), 'openai/gpt-4o-mini', 'hello there', 256));
    expect(error.status).toBe(402);
    expect(error.code).toBe('budget_exceeded');
    expect(sim.requests.length).toBe(before);
    expect(await logRows(error.headers?.get('x-request-id'))).toEqual(refusalRow(id, 'budget_exceeded', 'budget_exceeded'));
  });

  it('refuses a call without a key with 401 missing_api_key, and records it without a client', async () => {
    const before = sim.requests.length;
    const res = await request(t.url)
      .post('/v1/chat/completions')
      .send({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] })
      .expect(401);
    expect(res.body.error.code).toBe('missing_api_key');
    expect(sim.requests.length).toBe(before);
    expect(await logRows(res.headers['x-request-id'])).toEqual(refusalRow(null, 'rejected', 'missing_api_key'));
  });

  it('refuses a wrong key with 401 invalid_api_key (SDK AuthenticationError), and records it without a client', async () => {
    const { key } = await newClient();
    const before = sim.requests.length;

    const error = await refusal(chat(sdk(`${key.slice(0, -4)}zzzz`)));
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error.code).toBe('invalid_api_key');
    expect(sim.requests.length).toBe(before);
    expect(await logRows(error.headers?.get('x-request-id'))).toEqual(refusalRow(null, 'rejected', 'invalid_api_key'));
  });

  it('refuses a deactivated client with 403 client_inactive, and records it against the client', async () => {
    const { id, key } = await newClient();
    await request(t.url).patch(`/api/admin/clients/${id}`).set(admin()).send({ is_active: false }).expect(200);
    const before = sim.requests.length;

    const error = await refusal(chat(sdk(key)));
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(error.code).toBe('client_inactive');
    expect(sim.requests.length).toBe(before);
    expect(await logRows(error.headers?.get('x-request-id'))).toEqual(refusalRow(id, 'rejected', 'client_inactive'));
  });

  it('records a successful call once, with its cost, next to the refusals', async () => {
    const { id, key } = await newClient({ rate_limit_rpm: 100 });
    const { data, response } = await chat(sdk(key));
    expect(data.choices[0]?.message.content).toBeTruthy();
    const rows = await logRows(response.headers.get('x-request-id'));
    expect(rows).toEqual([{ client_id: id, status: 'success', error_code: null, cost_usd: expect.any(String) }]);
    expect(Number(rows[0].cost_usd)).toBeGreaterThan(0);
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('99');
  });
});
