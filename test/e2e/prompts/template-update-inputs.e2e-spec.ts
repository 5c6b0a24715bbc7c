import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/** Template edits that cannot be stored or would do nothing are refused by name, and leave the template as it was. */
describe('template edits that are refused', () => {
  let t: TestApp;
  let pg: Client;
  let templateId: string;
  let apiKey: string;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const templateRow = async () => (await pg.query('SELECT * FROM prompt_templates WHERE id = $1', [templateId])).rows[0] as Record<string, unknown>;
  const labelRows = async () =>
    (await pg.query('SELECT label, version, is_protected FROM prompt_labels WHERE template_id = $1 ORDER BY label', [templateId])).rows;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    const created = await request(t.url)
      .post('/api/admin/templates')
      .set(admin())
      .send({ name: 'edit-me', body: 'Hi {{ who }}', variables: [{ name: 'who', required: true }] })
      .expect(201);
    templateId = created.body.id;
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'template-editor' }).expect(201);
    apiKey = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({}).expect(201)).body.key;
    await request(t.url).post('/api/v1/prompts').set('X-API-Key', apiKey).send({ name: 'own', body: 'Yo' }).expect(201);
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('refuses template_type: null (admin and client routes) with 422 naming it, and changes nothing', async () => {
    const before = await templateRow();
    const res = await request(t.url).patch(`/api/admin/templates/${templateId}`).set(admin()).send({ description: 'x', template_type: null }).expect(422);
    expect(res.body.error.details).toContainEqual({ field: 'template_type', message: 'template_type cannot be null: leave it out to keep the current value' });
    expect(await templateRow()).toEqual(before);
    const own = await request(t.url).patch('/api/v1/prompts/own').set('X-API-Key', apiKey).send({ template_type: null }).expect(422);
    expect(own.body.error.details).toContainEqual({ field: 'template_type', message: 'template_type cannot be null: leave it out to keep the current value' });
  });

  it('refuses an empty template_type on create and update', async () => {
    const created = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'typeless', body: 'x', template_type: '' }).expect(422);
    expect(created.body.error.details).toEqual([{ field: 'template_type', message: 'template_type must be longer than or equal to 1 characters' }]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM prompt_templates WHERE name = 'typeless'`)).rows[0].n).toBe(0);
    await request(t.url).patch(`/api/admin/templates/${templateId}`).set(admin()).send({ template_type: '' }).expect(422);
  });

  it('refuses protecting a label the template does not have, and protects nothing else in that request', async () => {
    const before = await labelRows();
    const res = await request(t.url)
      .patch(`/api/admin/templates/${templateId}`)
      .set(admin())
      .send({ protected_labels: { production: true, prodution: true } })
      .expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'protected_labels.prodution', message: 'the template has no label "prodution"; point it at a version (labels) first' },
    ]);
    expect(await labelRows()).toEqual(before);
  });

  it('refuses one label pointed at a version and at weights in the same update, naming it, and moves no label', async () => {
    const before = await labelRows();
    const res = await request(t.url)
      .patch(`/api/admin/templates/${templateId}`)
      .set(admin())
      .send({ labels: { canary: 1, latest: 1 }, label_weights: { canary: { '1': 1 } } })
      .expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'label_weights.canary', message: 'label "canary" is also in labels: point it at a version (labels) or at weights, not both' },
    ]);
    expect(await labelRows()).toEqual(before);
  });

  it('protects a label created in the same request', async () => {
    await request(t.url)
      .patch(`/api/admin/templates/${templateId}`)
      .set(admin())
      .send({ labels: { beta: 1 }, protected_labels: { beta: true } })
      .expect(200);
    expect(await labelRows()).toContainEqual({ label: 'beta', version: 1, is_protected: true });
  });

  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['only whitespace', ' \n\t\r\n '],
  ])('refuses a body that is %s with 422 naming body, on create and on a new version (admin and client routes); nothing is stored', async (_what, body) => {
    const blank = [{ field: 'body', message: 'body must not be empty or only whitespace' }];
    const count = async (sql: string, params: unknown[] = []) => (await pg.query(sql, params)).rows[0].n as number;
    const versions = () => count('SELECT count(*)::int AS n FROM prompt_versions WHERE template_id = $1', [templateId]);
    const ownVersions = () => count(`SELECT count(*)::int AS n FROM prompt_versions v JOIN prompt_templates t ON t.id = v.template_id WHERE t.name = 'own'`);
    const [before, ownBefore] = [await versions(), await ownVersions()];

    const created = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'blank-body', body }).expect(422);
    expect(created.body.error.details).toEqual(blank);
    const own = await request(t.url).post('/api/v1/prompts').set('X-API-Key', apiKey).send({ name: 'blank-body', body }).expect(422);
    expect(own.body.error.details).toEqual(blank);
    expect(await count(`SELECT count(*)::int AS n FROM prompt_templates WHERE name = 'blank-body'`)).toBe(0);

    const added = await request(t.url).post(`/api/admin/templates/${templateId}/versions`).set(admin()).send({ body }).expect(422);
    expect(added.body.error.details).toEqual(blank);
    const ownAdded = await request(t.url).post('/api/v1/prompts/own/versions').set('X-API-Key', apiKey).send({ body }).expect(422);
    expect(ownAdded.body.error.details).toEqual(blank);
    expect([await versions(), await ownVersions()]).toEqual([before, ownBefore]);
  });

  it.each([
    ['empty', ''],
    ['only whitespace', ' \n\t '],
  ])('refuses a system_prompt that is %s with 422 naming it (null means none), on create and on a new version', async (_what, systemPrompt) => {
    const blank = [{ field: 'system_prompt', message: 'system_prompt must not be empty or only whitespace; send null, or leave it out, for no system prompt' }];
    const created = await request(t.url)
      .post('/api/admin/templates')
      .set(admin())
      .send({ name: 'blank-system', body: 'Hi', system_prompt: systemPrompt })
      .expect(422);
    expect(created.body.error.details).toEqual(blank);
    const added = await request(t.url).post(`/api/admin/templates/${templateId}/versions`).set(admin()).send({ system_prompt: systemPrompt }).expect(422);
    expect(added.body.error.details).toEqual(blank);
    const ownAdded = await request(t.url).post('/api/v1/prompts/own/versions').set('X-API-Key', apiKey).send({ system_prompt: systemPrompt }).expect(422);
    expect(ownAdded.body.error.details).toEqual(blank);
    const cleared = await request(t.url).post(`/api/admin/templates/${templateId}/versions`).set(admin()).send({ system_prompt: null }).expect(201);
    expect(cleared.body.versions.at(-1).system_prompt).toBeNull();
  });

  it('keeps the whitespace around a body that has text, as sent', async () => {
    const body = '\n  Hi {{ who }}\n\n';
    const res = await request(t.url)
      .post('/api/admin/templates')
      .set(admin())
      .send({ name: 'padded-body', body, variables: [{ name: 'who' }] })
      .expect(201);
    expect(res.body.versions[0].body).toBe(body);
  });

  it.each([
    ['body', { body: 'Hi\u0000' }, 'body'],
    ['system_prompt', { body: 'Hi', system_prompt: '\u0000' }, 'system_prompt'],
    ['params', { body: 'Hi', params: { stop: ['\u0000'] } }, 'params'],
    ['a variable default', { body: 'Hi {{ v }}', variables: [{ name: 'v', default: 'x\u0000' }] }, 'variables.0.default'],
  ])('refuses a NUL character in %s with 422 naming it, and creates no template', async (_what, fields, field) => {
    const res = await request(t.url)
      .post('/api/admin/templates')
      .set(admin())
      .send({ name: 'nul-template', ...fields })
      .expect(422);
    const property = field.split('.').pop();
    expect(res.body.error.details).toEqual([{ field, message: `${property} contains a NUL character (\\u0000), which cannot be stored` }]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM prompt_templates WHERE name = 'nul-template'`)).rows[0].n).toBe(0);
  });

  it.each([
    [{ max_tokens: -5 }, 'params.max_tokens', 'must be an integer from 1 to 1000000 (got -5)'],
    [{ max_tokens: '400' }, 'params.max_tokens', 'must be an integer from 1 to 1000000 (got "400")'],
    [{ max_tokens: 1.5 }, 'params.max_tokens', 'must be an integer from 1 to 1000000 (got 1.5)'],
    [{ temperature: 7 }, 'params.temperature', 'must be a number from 0 to 2 (got 7)'],
    [{ temperature: 'hot' }, 'params.temperature', 'must be a number from 0 to 2 (got "hot")'],
    [{ top_p: 2 }, 'params.top_p', 'must be a number from 0 to 1 (got 2)'],
    [{ stop: 'END' }, 'params.stop', 'must be an array of non-empty strings (got "END")'],
  ])('refuses params %p, which a call would ignore or have refused, with 422 naming the param; no template, no version', async (params, field, message) => {
    const created = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'bad-params', body: 'Hi', params }).expect(422);
    expect(created.body.error.details).toEqual([{ field, message }]);
    expect((await pg.query(`SELECT count(*)::int AS n FROM prompt_templates WHERE name = 'bad-params'`)).rows[0].n).toBe(0);
    const versions = async () => (await pg.query('SELECT count(*)::int AS n FROM prompt_versions WHERE template_id = $1', [templateId])).rows[0].n as number;
    const before = await versions();
    const added = await request(t.url).post(`/api/admin/templates/${templateId}/versions`).set(admin()).send({ params }).expect(422);
    expect(added.body.error.details).toEqual([{ field, message }]);
    expect(await versions()).toBe(before);
    const own = await request(t.url).post('/api/v1/prompts').set('X-API-Key', apiKey).send({ name: 'own-bad-params', body: 'Hi', params }).expect(422);
    expect(own.body.error.details).toEqual([{ field, message }]);
  });

  it('takes the params a call uses, and keeps other keys as sent', async () => {
    const params = { max_tokens: 400, temperature: 0.7, top_p: 1, stop: ['END'], custom: 'kept' };
    const res = await request(t.url).post('/api/admin/templates').set(admin()).send({ name: 'good-params', body: 'Hi', params }).expect(201);
    expect(res.body.versions[0].params).toEqual(params);
  });

  it('refuses render with version: null as 422 naming version, not a 404 for "version null"', async () => {
    const res = await request(t.url)
      .post(`/api/admin/templates/${templateId}/render`)
      .set(admin())
      .send({ version: null, variables: { who: 'a' } })
      .expect(422);
    expect(res.body.error.details).toContainEqual({
      field: 'version',
      message: 'version cannot be null: leave it out to render the label (default production)',
    });
  });
});
