import request from 'supertest';
import { startTestApp, TestApp } from '../support/app';

describe('foundation over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers liveness and readiness with every migration applied', async () => {
    await request(t.url).get('/health').expect(200, { status: 'ok' });
    const ready = await request(t.url).get('/health/ready').expect(200);
    // REDIS_URL is passed on from the test run's environment when it has one
    const redis = process.env.REDIS_URL ? 'ok' : 'not_configured';
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'applied', jobs: 'ok', redis }, jobs: expect.any(Array) });
  });

  it('gives every response an x-request-id UUID, time-ordered (version 7: the log appends to its key)', async () => {
    const before = Date.now();
    const res = await request(t.url).get('/health');
    const id: string = res.headers['x-request-id'];
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now());
  });

  it('answers an unknown /api route in the LLMHub envelope with the request id', async () => {
    const res = await request(t.url).get('/api/v1/nothing-here').expect(404);
    expect(res.body).toEqual({
      error: { code: 'not_found', message: expect.any(String), details: [] },
      request_id: res.headers['x-request-id'],
    });
  });

  it('answers an unknown /v1 route in the OpenAI error shape', async () => {
    const res = await request(t.url).get('/v1/nothing-here').expect(404);
    expect(res.body.error).toMatchObject({ type: 'invalid_request_error', code: 'not_found' });
    expect(typeof res.body.error.message).toBe('string');
  });

  it('serves Swagger UI, ReDoc and the OpenAPI document', async () => {
    await request(t.url).get('/docs').expect(200).expect('content-type', /html/);
    const redoc = await request(t.url).get('/redoc').expect(200);
    expect(redoc.text).toContain('/openapi.json');
    await request(t.url).get('/redoc/redoc.standalone.js').expect(200);
    const doc = await request(t.url).get('/openapi.json').expect(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health/ready']).toBeDefined();
  });

  it('gives every operation a unique operationId and a documented error shape', async () => {
    const doc = (await request(t.url).get('/openapi.json').expect(200)).body as {
      paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, unknown> }>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, ...op })));
    expect(operations.length).toBeGreaterThan(30);
    const ids = operations.map((op) => op.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    // errors are listed per status (no catch-all `default`): every route that takes a credential documents its 401
    const withoutAuthError = operations.filter((op) => (op.security ?? []).length > 0 && !('401' in op.responses)).map((op) => `${op.method} ${op.path}`);
    expect(withoutAuthError).toEqual([]);
  });

  it('never leaks a stack trace for malformed JSON', async () => {
    const res = await request(t.url).post('/api/v1/llm/generate').set('content-type', 'application/json').send('{"broken":');
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js:\d+/);
  });
});
