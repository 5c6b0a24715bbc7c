import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A template version names a provider and a model a call through it would use: one no call could
 * resolve (a provider the server does not know, a bare model no provider offers) is refused when
 * the version is saved, naming the field, and nothing is stored. Any model of a known provider
 * is taken as given, as a call takes it (providers add models before the catalog knows them).
 */
describe('the provider and model of a template version', () => {
  let t: TestApp;
  let pg: Client;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const versions = async (name: string) =>
    (await pg.query('SELECT v.version FROM prompt_versions v JOIN prompt_templates t ON t.id = v.template_id WHERE t.name = $1', [name])).rows.length;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('refuses a new template naming a provider the server does not know, or a model no provider offers, and stores nothing', async () => {
    const provider = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'typo-provider', body: 'Hi', provider: 'opnai' });
    expect(provider.status).toBe(422);
    expect(provider.body.error).toMatchObject({ code: 'validation_error', details: [{ field: 'provider', message: 'unknown provider "opnai"' }] });
    expect(provider.body.error.message).toContain('a call through this version would be refused');

    const model = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'typo-model', body: 'Hi', model: 'gpt-4o-mni' });
    expect(model.status).toBe(422);
    expect(model.body.error.details).toEqual([{ field: 'model', message: expect.stringContaining('Unknown model "gpt-4o-mni"') }]);

    const prefixed = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'typo-prefix', body: 'Hi', model: 'opnai/gpt-4o' });
    expect(prefixed.status).toBe(422);
    expect(prefixed.body.error.details[0].field).toBe('model');

    const { rows } = await pg.query(`SELECT name FROM prompt_templates WHERE name LIKE 'typo-%'`);
    expect(rows).toEqual([]);
  });

  it('takes a known provider alone, any model of a known provider, and a bare model the catalog knows', async () => {
    for (const fields of [{ provider: 'openai' }, { model: 'openai/gpt-9-preview' }, { model: 'gpt-4o-mini' }, { provider: 'mock', model: 'echo' }]) {
      const res = await request(t.url)
        .post('/api/admin/templates')
        .set(admin())
        .send({
          name: `ok-${Object.values(fields)
            .join('-')
            .replace(/[^a-z0-9-]/g, '-')}`,
          body: 'Hi',
          ...fields,
        });
      expect({ fields, status: res.status, error: res.body.error }).toEqual({ fields, status: 201, error: undefined });
    }
  });

  it('refuses a new version naming an unknown provider or model and keeps the versions as they were; an inherited one is not checked again', async () => {
    const created = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'versioned', body: 'Hi', provider: 'mock', model: 'echo' });
    expect(created.status).toBe(201);
    const { id } = created.body as { id: string };
    const bad = await request(t.url).post(`/api/admin/templates/${id}/versions`).set(admin()).send({ provider: 'nope' });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details).toEqual([{ field: 'provider', message: 'unknown provider "nope"' }]);
    expect(await versions('versioned')).toBe(1);

    // the model given is resolved with the provider inherited from version 1
    await request(t.url).post(`/api/admin/templates/${id}/versions`).set(admin()).send({ model: 'echo' }).expect(201);
    await request(t.url).post(`/api/admin/templates/${id}/versions`).set(admin()).send({ body: 'Hello' }).expect(201);
    expect(await versions('versioned')).toBe(3);
  });
});
