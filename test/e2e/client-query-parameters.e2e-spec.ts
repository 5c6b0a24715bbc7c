import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import request from 'supertest';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { pollUntil } from '@test/support/poll';

/**
 * A query parameter a client route of the native API (/api/v1/*) does not read is refused
 * naming it and what the route takes, as on the admin routes: `?stream=true` on generate used
 * to answer a whole generation as if it had been honoured. The provider-compatible routes
 * (/v1/*) still take the parameters SDKs add of their own.
 */
describe('client routes: query parameters a route does not take (e2e)', () => {
  let gateway: GatewayFixture;
  const key = () => ({ 'X-API-Key': gateway.apiKey });

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'client-query-params', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    await request(gateway.app.url)
      .post('/api/v1/prompts')
      .set(key())
      .send({ name: 'query-params', body: 'Hello {{ who }}', variables: [{ name: 'who', required: true }] })
      .expect(201);
  }, 60_000);

  afterAll(() => gateway?.close());

  beforeEach(() => gateway.resetBetweenTests());

  it('usage: a misspelt filter is refused naming it and the filters the route takes', async () => {
    const res = await request(gateway.app.url).get('/api/v1/billing/usage?granulariy=day&group_by=model').set(key()).expect(422);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      message: 'Invalid request: granulariy',
      details: [{ field: 'granulariy', message: 'unknown query parameter "granulariy": this route takes from, to, granularity, group_by' }],
    });

    const ok = await request(gateway.app.url).get('/api/v1/billing/usage?granularity=day&group_by=model').set(key()).expect(200);
    expect(ok.body.granularity).toBe('day');
  });

  it('each parameter the route does not read is a detail of its own', async () => {
    const res = await request(gateway.app.url)
      .post('/api/v1/generations/no-such-id/feedback?success=true&score=5')
      .set(key())
      .send({ success: true })
      .expect(422);
    expect(res.body.error.message).toBe('Invalid request: success, score');
    expect(res.body.error.details).toEqual([
      { field: 'success', message: 'unknown query parameter "success": this route takes none' },
      { field: 'score', message: 'unknown query parameter "score": this route takes none' },
    ]);
  });

  it('prompts list: takes limit and cursor, and refuses anything else', async () => {
    const res = await request(gateway.app.url).get('/api/v1/prompts?limt=1').set(key()).expect(422);
    expect(res.body.error.details).toEqual([{ field: 'limt', message: 'unknown query parameter "limt": this route takes limit, cursor' }]);

    const ok = await request(gateway.app.url).get('/api/v1/prompts?limit=1').set(key()).expect(200);
    expect(ok.body.items).toHaveLength(1);
  });

  it('prompts render: a version asked for in the query, not the body, is refused rather than rendering production', async () => {
    const res = await request(gateway.app.url)
      .post('/api/v1/prompts/query-params/render?version=1')
      .set(key())
      .send({ variables: { who: 'Ada' } })
      .expect(422);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      message: 'Invalid request: version',
      details: [{ field: 'version', message: 'unknown query parameter "version": this route takes none' }],
    });

    const ok = await request(gateway.app.url)
      .post('/api/v1/prompts/query-params/render')
      .set(key())
      .send({ variables: { who: 'Ada' }, version: 1 })
      .expect(200);
    expect(ok.body.prompt).toBe('Hello Ada');
  });

  it('generate: ?stream=true is refused before any provider is called', async () => {
    const body = { model: 'openai/gpt-4o-mini', prompt: 'hello' };
    const res = await request(gateway.app.url).post('/api/v1/llm/generate?stream=true').set(key()).send(body).expect(422);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      details: [{ field: 'stream', message: 'unknown query parameter "stream": this route takes none' }],
    });
    expect(gateway.sim.requests).toHaveLength(0);
    // recorded as a refused call, as any refusal on a generation route is
    const rows = await pollUntil(
      async () => (await gateway.db.query('SELECT status, error_code FROM llm_generation_log WHERE id = $1', [res.body.request_id])).rows,
      (found) => found.length > 0,
    );
    expect(rows[0].error_code).toBe('validation_error');

    const ok = await request(gateway.app.url).post('/api/v1/llm/generate').set(key()).send(body).expect(200);
    expect(ok.body.content).toEqual(expect.any(String));
    expect(gateway.sim.requests).toHaveLength(1);
  });

  it.each([
    ['/api/v1/me', 'client_id'],
    ['/api/v1/billing/summary', 'month'],
    ['/api/v1/prompts/query-params', 'version'],
  ])('%s reads no query: it refuses ?%s, and answers without it', async (path, name) => {
    const res = await request(gateway.app.url).get(`${path}?${name}=1`).set(key()).expect(422);
    expect(res.body.error.details).toEqual([{ field: name, message: `unknown query parameter "${name}": this route takes none` }]);
    await request(gateway.app.url).get(path).set(key()).expect(200);
  });

  it('without a key the answer is still 401, whatever the query', async () => {
    const res = await request(gateway.app.url).get('/api/v1/billing/usage?granulariy=day').expect(401);
    expect(res.body.error.code).toBe('missing_api_key');
  });

  it('/v1/chat/completions still takes the query parameters an SDK adds (Azure’s api-version)', async () => {
    const openai = new OpenAI({ baseURL: `${gateway.app.url}/v1`, apiKey: gateway.apiKey, maxRetries: 0, defaultQuery: { 'api-version': '2024-10-21' } });
    const res = await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] });
    expect(res.choices[0]?.message.content).toEqual(expect.any(String));
    expect(gateway.sim.requests).toHaveLength(1);
  });

  it('/v1/messages still takes ?beta=true (as earlier Anthropic SDKs send on their beta calls)', async () => {
    const anthropic = new Anthropic({ baseURL: gateway.app.url, apiKey: gateway.apiKey, maxRetries: 0, defaultQuery: { beta: 'true' } });
    const res = await anthropic.messages.create({ model: 'anthropic/claude-3-5-haiku-latest', max_tokens: 32, messages: [{ role: 'user', content: 'hello' }] });
    expect(res.content[0]?.type).toBe('text');
    expect(gateway.sim.requests).toHaveLength(1);
  });
});
