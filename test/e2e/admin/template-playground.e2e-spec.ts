import Decimal from 'decimal.js';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

describe('admin template render and playground', () => {
  let t: TestApp;
  let templateId: string;
  const admin = (r: request.Test) => r.set('Authorization', `Bearer ${t.adminToken}`);

  beforeAll(async () => {
    t = await startTestApp();
    const created = await admin(request(t.url).post('/api/admin/templates'))
      .send({ name: 'playground-tagline', body: 'Tagline for {{ product }}', variables: [{ name: 'product', required: true }], model: 'mock/echo' })
      .expect(201);
    templateId = created.body.id;
    await admin(request(t.url).post(`/api/admin/templates/${templateId}/versions`))
      .send({ body: 'Short tagline for {{ product }} please', variables: [{ name: 'product', required: true }], model: 'mock/echo' })
      .expect(201);
    await admin(request(t.url).put('/api/admin/prices'))
      .send({ prices: { 'mock/echo': { input_per_m: '1000', output_per_m: '2000' } } })
      .expect(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('renders the version asked for with the given variables', async () => {
    const res = await admin(request(t.url).post(`/api/admin/templates/${templateId}/render`))
      .send({ version: 2, variables: { product: 'LLMHub' } })
      .expect(200);
    expect(res.body).toMatchObject({ version: 2, prompt: 'Short tagline for LLMHub please', template: 'playground-tagline' });
  });

  it('names a missing required variable in a 422', async () => {
    const res = await admin(request(t.url).post(`/api/admin/templates/${templateId}/render`))
      .send({ version: 1, variables: {} })
      .expect(422);
    expect(JSON.stringify(res.body.error.details)).toContain('product');
  });

  it('runs a version on a model and answers output, tokens, cost at the prices in force and latency', async () => {
    const res = await admin(request(t.url).post(`/api/admin/templates/${templateId}/playground`))
      .send({ version: 1, variables: { product: 'LLMHub' }, model: 'mock/echo' })
      .expect(200);
    expect(res.body).toMatchObject({ version: 1, model: 'mock/echo', output: 'Echo: Tagline for LLMHub', price_unknown: false });
    expect(res.body.input_tokens).toBeGreaterThan(0);
    expect(res.body.output_tokens).toBeGreaterThan(0);
    // 1000 USD / 1M input tokens, 2000 USD / 1M output tokens
    const expected = new Decimal(res.body.input_tokens).times(1000).plus(new Decimal(res.body.output_tokens).times(2000)).div(1_000_000);
    expect(res.body.cost_usd).toBe(expected.toFixed());
    expect(res.body.latency_ms).toEqual(expect.any(Number));
  });

  it('is billed to no client: nothing is added to the usage log', async () => {
    const logs = await admin(request(t.url).get('/api/admin/logs')).expect(200);
    expect(logs.body.items).toHaveLength(0);
  });

  it('filters the log by template', async () => {
    const client = await admin(request(t.url).post('/api/admin/clients')).send({ name: 'template-log-filter' }).expect(201);
    const key = await admin(request(t.url).post(`/api/admin/clients/${client.body.id}/keys`))
      .send({})
      .expect(201);
    await request(t.url).post('/api/v1/llm/generate').set('X-API-Key', key.body.key).send({ prompt: 'no template here', model: 'mock/echo' }).expect(200);
    await request(t.url)
      .post('/api/v1/llm/generate')
      .set('X-API-Key', key.body.key)
      .send({ template: { name: 'playground-tagline', version: 2 }, variables: { product: 'LLMHub' } })
      .expect(200);
    const all = await admin(request(t.url).get('/api/admin/logs')).expect(200);
    expect(all.body.items).toHaveLength(2);
    const through = await admin(request(t.url).get(`/api/admin/logs?template_id=${templateId}`)).expect(200);
    expect(through.body.items).toHaveLength(1);
    expect(through.body.items[0]).toMatchObject({ template_id: templateId, template_version: 2 });
    const bad = await admin(request(t.url).get('/api/admin/logs?template_id=nope')).expect(422);
    expect(bad.body.error.details[0].field).toBe('template_id');
  });

  it('answers 404 for an unknown model', async () => {
    const res = await admin(request(t.url).post(`/api/admin/templates/${templateId}/playground`)).send({ variables: { product: 'x' }, model: 'nope/nothing' });
    expect([404, 422]).toContain(res.status);
    expect(res.body.error.message).toMatch(/nope/);
  });
});
