import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/** Generations through templates, end to end: gateway → prompts → log → stats → feedback. */
describe('generating through a template', () => {
  let t: TestApp;
  let key: string;
  let templateId: string;
  let pg: Client;
  const name = `greeting-${randomUUID().slice(0, 8)}`;

  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const logRow = async (id: string) =>
    (await pg.query('SELECT template_id, template_name, template_version, status FROM llm_generation_log WHERE id = $1', [id])).rows[0];

  beforeAll(async () => {
    t = await startTestApp({ MOCK_PROVIDER: 'on' });
    const client = await request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `tpl-${randomUUID().slice(0, 8)}` })
      .expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
    const created = await request(t.url)
      .post('/api/v1/prompts')
      .set('X-API-Key', key)
      .send({ name, body: 'Say hello to {{ person }}', variables: [{ name: 'person', required: true }], provider: 'mock', model: 'echo' })
      .expect(201);
    templateId = created.body.id;
    await request(t.url)
      .post(`/api/v1/prompts/${name}/versions`)
      .set('X-API-Key', key)
      .send({ body: 'Greet {{ person }} warmly', variables: [{ name: 'person', required: true }], note: 'warmer' })
      .expect(201);
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('renders the production version with the variables, uses its model, and records template and version', async () => {
    const res = await request(t.url)
      .post('/api/v1/llm/generate')
      .set('X-API-Key', key)
      .send({ template: name, variables: { person: 'Ada' } })
      .expect(200);
    expect(res.body).toMatchObject({ provider: 'mock', model: 'mock/echo', content: 'Echo: Say hello to Ada', template: { name, version: 1 } });
    expect(await logRow(res.body.request_id)).toEqual({ template_id: templateId, template_name: name, template_version: 1, status: 'success' });
  });

  it('takes an explicit version or label, and names a missing variable with 422', async () => {
    const v2 = await request(t.url)
      .post('/api/v1/llm/generate')
      .set('X-API-Key', key)
      .send({ template: { name, label: 'latest' }, variables: { person: 'Bo' } })
      .expect(200);
    expect(v2.body).toMatchObject({ content: 'Echo: Greet Bo warmly', template: { name, version: 2 } });
    const missing = await request(t.url).post('/api/v1/llm/generate').set('X-API-Key', key).send({ template: name, variables: {} }).expect(422);
    expect(missing.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: expect.stringContaining('person') })]));
  });

  it('says so when a template renders an empty prompt, instead of asking for a template', async () => {
    const empty = `empty-${name}`;
    await request(t.url)
      .post('/api/v1/prompts')
      .set('X-API-Key', key)
      .send({ name: empty, body: '{{ text }}', variables: [{ name: 'text' }] })
      .expect(201);
    const res = await request(t.url).post('/api/v1/llm/generate').set('X-API-Key', key).send({ template: empty, model: 'mock/echo' }).expect(422);
    expect(res.body.error.message).toBe(`Template "${empty}" version 1 rendered an empty prompt`);
    expect(res.body.error.details).toEqual([expect.objectContaining({ field: 'variables' })]);
  });

  it('refuses variables without a template, which would fill nothing, on /api and /v1 alike', async () => {
    const generate = await request(t.url)
      .post('/api/v1/llm/generate')
      .set('X-API-Key', key)
      .send({ prompt: 'hi', model: 'mock/echo', variables: { person: 'Ada' } })
      .expect(422);
    expect(generate.body.error.details).toEqual([{ field: 'variables', message: 'given without a template' }]);
    const chat = await request(t.url)
      .post('/v1/chat/completions')
      .set('X-API-Key', key)
      .send({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }], variables: { person: 'Ada' } })
      .expect(400);
    expect(chat.body.error.message).toContain('variables fill a template');
  });

  it('works through the OpenAI SDK with the documented `template` extension field', async () => {
    const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: key, maxRetries: 0 });
    const completion = await openai.chat.completions.create({
      model: 'mock/echo',
      messages: [],
      // extension fields, passed through the SDK's body untouched
      ...({ template: { name, version: 2 }, variables: { person: 'Cy' } } as object),
    } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    expect(completion.choices[0]?.message.content).toBe('Echo: Greet Cy warmly');
  });

  it('splits traffic by the A/B weights, keeps a subject on one version, and feedback moves the success rate', async () => {
    await request(t.url)
      .patch(`/api/v1/prompts/${name}`)
      .set('X-API-Key', key)
      .send({ ab_weights: { '1': 50, '2': 50 } })
      .expect(200);
    const versions: number[] = [];
    for (let i = 0; i < 40; i++) {
      const res = await request(t.url)
        .post('/api/v1/llm/generate')
        .set('X-API-Key', key)
        .send({ template: name, variables: { person: `p${i}` } })
        .expect(200);
      versions.push(res.body.template.version);
    }
    // 40 draws at 50/50: both versions appear (the chance of one never showing is 2 × 0.5^40)
    expect(new Set(versions)).toEqual(new Set([1, 2]));
    const sticky = new Set<number>();
    for (let i = 0; i < 8; i++) {
      const res = await request(t.url)
        .post('/api/v1/llm/generate')
        .set('X-API-Key', key)
        .send({ template: name, variables: { person: 'Di' }, subject: 'user-42' })
        .expect(200);
      sticky.add(res.body.template.version);
    }
    expect(sticky.size).toBe(1);

    const last = await request(t.url)
      .post('/api/v1/llm/generate')
      .set('X-API-Key', key)
      .send({ template: { name, version: 1 }, variables: { person: 'Ed' } })
      .expect(200);
    const before = (await request(t.url).get(`/api/admin/templates/${templateId}/stats`).set(admin()).expect(200)).body;
    const v1Before = before.versions.find((v: { version: number }) => v.version === 1);
    await request(t.url)
      .post(`/api/v1/generations/${last.body.request_id}/feedback`)
      .set('X-API-Key', key)
      .send({ success: false, comment: 'off-brand' })
      .expect(200);
    const after = (await request(t.url).get(`/api/admin/templates/${templateId}/stats`).set(admin()).expect(200)).body;
    const v1After = after.versions.find((v: { version: number }) => v.version === 1);
    expect(v1After.requests).toBe(v1Before.requests);
    expect(v1After.successes).toBe(v1Before.successes - 1);
    const { rows } = await pg.query(
      `SELECT count(*)::int AS n FROM llm_generation_log WHERE template_id = $1 AND template_version = 1 AND status = 'success'`,
      [templateId],
    );
    expect(v1Before.requests).toBe(rows[0].n);
  });
});
