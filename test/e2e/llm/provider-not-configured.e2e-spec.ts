import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A fresh start with no provider key: the README's first call (mock/echo)
 * works as written, and a call to a provider without a key is a 400
 * provider_not_configured that names the variable to set, which no SDK
 * retries, recorded once.
 */
describe('a fresh start with no provider key', () => {
  let t: TestApp;
  let pg: Client;
  let clientId: string;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp({
      MOCK_PROVIDER: 'auto',
      ANTHROPIC_API_KEY: undefined,
      OPENAI_API_KEY: undefined,
      GROQ_API_KEY: undefined,
      CUSTOM_PROVIDERS: undefined,
    });
    const admin = { Authorization: `Bearer ${t.adminToken}` };
    const client = await request(t.url).post('/api/admin/clients').set(admin).send({ name: 'marketing-admin' }).expect(201);
    clientId = client.body.id;
    apiKey = (await request(t.url).post(`/api/admin/clients/${clientId}/keys`).set(admin).send({ name: 'main' }).expect(201)).body.key;
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  }, 60_000);

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  async function rowsOf(requestId: string | null | undefined): Promise<{ status: string; error_code: string | null; provider: string | null }[]> {
    const { rows } = await pg.query('SELECT status, error_code, provider FROM llm_generation_log WHERE id = $1', [requestId]);
    return rows;
  }

  async function rowCount(): Promise<number> {
    const { rows } = await pg.query<{ n: string }>('SELECT count(*)::text AS n FROM llm_generation_log WHERE client_id = $1', [clientId]);
    return Number(rows[0].n);
  }

  it("runs the README's first example as written (mock/echo)", async () => {
    const llm = new OpenAI({ baseURL: `${t.url}/v1`, apiKey });
    const res = await llm.chat.completions.create({
      model: 'mock/echo',
      messages: [{ role: 'user', content: 'Write a tagline for our spring sale' }],
    });
    expect(res.choices[0].message.content).toBe('Echo: Write a tagline for our spring sale');
    expect(res.model).toBe('mock/echo');
  });

  it('answers a keyless provider with 400 provider_not_configured naming the variable; the SDK (default retries) calls once, one row recorded', async () => {
    const before = await rowCount();
    const llm = new OpenAI({ baseURL: `${t.url}/v1`, apiKey }); // default maxRetries (2): a 503 would be sent three times
    const error = await llm.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'hello' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.code).toBe('provider_not_configured');
    expect(apiError.type).toBe('invalid_request_error');
    expect(apiError.message).toContain('ANTHROPIC_API_KEY');
    expect(apiError.message).toContain("console's Providers page");
    expect(await rowCount()).toBe(before + 1);
    expect(await rowsOf(apiError.requestID)).toEqual([{ status: 'rejected', error_code: 'provider_not_configured', provider: 'anthropic' }]);
  });

  it('answers the same on /v1/messages in the Anthropic shape, and the Anthropic SDK does not retry it', async () => {
    const before = await rowCount();
    const anthropic = new Anthropic({ baseURL: t.url, apiKey });
    const error = await anthropic.messages.create({ model: 'openai/gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.error).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', code: 'provider_not_configured' } });
    expect(apiError.message).toContain('OPENAI_API_KEY');
    expect(await rowCount()).toBe(before + 1);
  });

  it('answers the same on /api/v1/llm/generate in the LLMHub envelope', async () => {
    const res = await request(t.url)
      .post('/api/v1/llm/generate')
      .set('X-API-Key', apiKey)
      .send({ prompt: 'hello', model: 'groq/llama-3.3-70b-versatile' })
      .expect(400);
    expect(res.body.error).toMatchObject({ code: 'provider_not_configured', details: [{ field: 'model', message: 'provider "groq" is not configured' }] });
    expect(res.body.error.message).toContain('GROQ_API_KEY');
    expect(await rowsOf(res.body.request_id)).toEqual([{ status: 'rejected', error_code: 'provider_not_configured', provider: 'groq' }]);
  });
});
