import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

const VALID_NAMES = ['anthropic', 'claude', 'openai', 'groq', 'mock', 'ollama'];

/**
 * A client's provider allow-list names providers this instance has: a typo is refused with the valid
 * names instead of silently admitting nothing. Only what a write sets is checked, so a client whose
 * list names a provider since removed from the configuration still reads, updates and can be fixed.
 */
describe('client allow-lists name known providers', () => {
  let t: TestApp;
  let pg: Client;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  let n = 0;
  const createClient = (fields: Record<string, unknown>) =>
    request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `allow-${++n}`, ...fields });

  beforeAll(async () => {
    t = await startTestApp({ CUSTOM_PROVIDERS: JSON.stringify([{ name: 'ollama', base_url: 'http://127.0.0.1:9/v1', models: ['llama3.2'] }]) });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('refuses an unknown provider with 422 naming the entry and every valid name, and creates nothing', async () => {
    const res = await createClient({ name: 'typo-client', allowed_providers: ['openai', 'opneai'] }).expect(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.message).toContain('opneai');
    expect(res.body.error.details).toEqual([{ field: 'allowed_providers[1]', message: expect.stringContaining('unknown provider "opneai"') }]);
    for (const name of VALID_NAMES) expect(res.body.error.details[0].message).toContain(name);
    const list = await request(t.url).get('/api/admin/clients').set(admin()).expect(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).not.toContain('typo-client');
  });

  it('accepts built-in ids in any case, aliases and configured custom providers, stored as sent', async () => {
    const res = await createClient({ allowed_providers: ['OpenAI', 'claude', 'ollama', 'mock'] }).expect(201);
    expect(res.body.allowed_providers).toEqual(['OpenAI', 'claude', 'ollama', 'mock']);
    const read = await request(t.url).get(`/api/admin/clients/${res.body.id}`).set(admin()).expect(200);
    expect(read.body.allowed_providers).toEqual(['OpenAI', 'claude', 'ollama', 'mock']);
  });

  it('refuses an unknown provider on PATCH and leaves the client as it was', async () => {
    const created = await createClient({ allowed_providers: ['mock'] }).expect(201);
    const res = await request(t.url)
      .patch(`/api/admin/clients/${created.body.id}`)
      .set(admin())
      .send({ description: 'changed', allowed_providers: ['antropic'] })
      .expect(422);
    expect(res.body.error.details).toEqual([{ field: 'allowed_providers[0]', message: expect.stringContaining('unknown provider "antropic"') }]);
    const read = await request(t.url).get(`/api/admin/clients/${created.body.id}`).set(admin()).expect(200);
    expect(read.body).toMatchObject({ allowed_providers: ['mock'], description: null });
  });

  it('refuses a model entry whose provider part is unknown or whose model part is empty', async () => {
    const res = await createClient({ allowed_models: ['opneai/gpt-4o', 'qwen/qwen3-32b', 'openai/', ''] }).expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'allowed_models[0]', message: expect.stringContaining('unknown provider "opneai"') },
      { field: 'allowed_models[1]', message: expect.stringContaining('<provider>/qwen/qwen3-32b') },
      { field: 'allowed_models[2]', message: expect.stringContaining('openai/* allows every model') },
      { field: 'allowed_models[3]', message: expect.stringContaining('must not be empty') },
    ]);
    expect(res.body.error.details[0].message).toContain('ollama');
  });

  it('keeps model wildcards, bare model names and models whose own name has a slash', async () => {
    const models = ['openai/gpt-4o-mini', 'anthropic/*', 'claude/*', 'gpt-4o', '*', 'groq/qwen/qwen3-32b', 'ollama/llama3.2', 'mock/*'];
    const res = await createClient({ allowed_models: models }).expect(201);
    expect(res.body.allowed_models).toEqual(models);
  });

  it("refuses the same mistakes in a key's narrowing allowed_models", async () => {
    const created = await createClient({}).expect(201);
    const keys = `/api/admin/clients/${created.body.id}/keys`;
    const res = await request(t.url)
      .post(keys)
      .set(admin())
      .send({ name: 'narrow', allowed_models: ['mock/*', 'opneai/gpt-4o'] })
      .expect(422);
    expect(res.body.error.details).toEqual([{ field: 'allowed_models[1]', message: expect.stringContaining('unknown provider "opneai"') }]);
    const list = await request(t.url).get(keys).set(admin()).expect(200);
    expect(list.body.items).toEqual([]);
    const ok = await request(t.url)
      .post(keys)
      .set(admin())
      .send({ name: 'narrow', allowed_models: ['claude/*', 'gpt-4o'] })
      .expect(201);
    expect(ok.body.key).toMatch(/^lh_/);
  });

  it('refuses fallback models a call could never use (a call skips them without a word), on POST and PATCH', async () => {
    const res = await createClient({ fallback_models: ['mock/echo', 'opneai/gpt-4o', 'openai/*', '*', 'openai/', ''] }).expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'fallback_models[1]', message: expect.stringContaining('unknown provider "opneai"') },
      { field: 'fallback_models[2]', message: expect.stringContaining('a fallback is one model') },
      { field: 'fallback_models[3]', message: expect.stringContaining('a fallback is one model') },
      { field: 'fallback_models[4]', message: expect.stringContaining('names no model') },
      { field: 'fallback_models[5]', message: expect.stringContaining('must not be empty') },
    ]);
    expect(res.body.error.details[0].message).toContain('ollama');

    const kept = ['mock/echo', 'claude/claude-haiku-4-5', 'gpt-4o-mini', 'groq/qwen/qwen3-32b', 'ollama/llama3.2'];
    const created = await createClient({ fallback_models: kept }).expect(201);
    expect(created.body.fallback_models).toEqual(kept);
    const url = `/api/admin/clients/${created.body.id}`;
    const patched = await request(t.url)
      .patch(url)
      .set(admin())
      .send({ fallback_models: ['antropic/claude-haiku-4-5'] })
      .expect(422);
    expect(patched.body.error.details).toEqual([{ field: 'fallback_models[0]', message: expect.stringContaining('unknown provider "antropic"') }]);
    const read = await request(t.url).get(url).set(admin()).expect(200);
    expect(read.body.fallback_models).toEqual(kept);
  });

  it('admits calls to a provider named in another case, and refuses the others', async () => {
    const created = await createClient({ allowed_providers: ['MOCK'], allowed_models: ['mock/*'] }).expect(201);
    const key = await request(t.url).post(`/api/admin/clients/${created.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201);
    await request(t.url).post('/api/v1/llm/generate').set({ 'X-API-Key': key.body.key }).send({ model: 'mock/echo', prompt: 'hi' }).expect(200);
    const refused = await request(t.url)
      .post('/api/v1/llm/generate')
      .set({ 'X-API-Key': key.body.key })
      .send({ model: 'openai/gpt-4o-mini', prompt: 'hi' })
      .expect(403);
    expect(refused.body.error.code).toBe('model_not_allowed');
  });

  it('reads and updates a client whose stored list names a provider no longer configured; only a write setting it is refused', async () => {
    const created = await createClient({ allowed_providers: ['ollama'] }).expect(201);
    // as after the operator removed a custom provider from CUSTOM_PROVIDERS and restarted
    await pg.query(`UPDATE api_clients SET allowed_providers = '{retired-llm}' WHERE id = $1`, [created.body.id]);
    const url = `/api/admin/clients/${created.body.id}`;
    const read = await request(t.url).get(url).set(admin()).expect(200);
    expect(read.body.allowed_providers).toEqual(['retired-llm']);
    const renamed = await request(t.url).patch(url).set(admin()).send({ description: 'kept' }).expect(200);
    expect(renamed.body).toMatchObject({ description: 'kept', allowed_providers: ['retired-llm'] });
    const again = await request(t.url)
      .patch(url)
      .set(admin())
      .send({ allowed_providers: ['retired-llm'] })
      .expect(422);
    expect(again.body.error.details).toEqual([{ field: 'allowed_providers[0]', message: expect.stringContaining('unknown provider "retired-llm"') }]);
    const fixed = await request(t.url).patch(url).set(admin()).send({ allowed_providers: null }).expect(200);
    expect(fixed.body.allowed_providers).toBeNull();
  });
});
