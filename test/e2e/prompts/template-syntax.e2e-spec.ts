import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A malformed placeholder in a template's text is refused when the template or
 * a version is saved (422 validation_error naming the field, the problem and
 * its line and column), on the client and the admin routes, and nothing is saved.
 */
describe('template syntax checked on save', () => {
  let t: TestApp;
  let key: string;
  let pg: Client;
  const suffix = randomUUID().slice(0, 8);
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const as = () => ({ 'X-API-Key': key });
  const PERSON = [{ name: 'person', required: true }];

  const versionsOf = async (name: string): Promise<number[]> =>
    (
      await pg.query<{ version: number }>(
        'SELECT v.version FROM prompt_versions v JOIN prompt_templates t ON t.id = v.template_id WHERE t.name = $1 ORDER BY v.version',
        [name],
      )
    ).rows.map((r) => r.version);

  beforeAll(async () => {
    t = await startTestApp();
    const client = await request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `tpl-syntax-${suffix}` })
      .expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('refuses a new template with an unclosed placeholder, naming the field, line and column, and saves nothing', async () => {
    const name = `unclosed-${suffix}`;
    const res = await request(t.url)
      .post('/api/v1/prompts')
      .set(as())
      .send({ name, body: 'Dear {{ person }},\nHello {{ broken', variables: PERSON })
      .expect(422);
    expect(res.body.error).toEqual({
      code: 'validation_error',
      message: "Template syntax is invalid: body: unclosed '{{' at line 2, column 7: a placeholder is {{ name }}, closed by '}}'",
      details: [{ field: 'body', message: "unclosed '{{' at line 2, column 7: a placeholder is {{ name }}, closed by '}}'" }],
    });
    await request(t.url).get(`/api/v1/prompts/${name}`).set(as()).expect(404);
    expect(await versionsOf(name)).toEqual([]);
  });

  it('names every problem of the system prompt and the body', async () => {
    const res = await request(t.url)
      .post('/api/v1/prompts')
      .set(as())
      .send({ name: `several-${suffix}`, system_prompt: 'Write as {{ }}.', body: 'Hi {{name}, see {{ user.id }}', variables: PERSON })
      .expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'system_prompt', message: expect.stringContaining("empty placeholder '{{ }}' at line 1, column 10") },
      { field: 'body', message: expect.stringContaining("unclosed '{{' at line 1, column 4") },
      { field: 'body', message: expect.stringContaining("'{{ user.id }}' at line 1, column 17 is not a placeholder") },
    ]);
  });

  it('refuses a malformed new version on the client route, keeping the versions as they were', async () => {
    const name = `versioned-${suffix}`;
    await request(t.url).post('/api/v1/prompts').set(as()).send({ name, body: 'Hello {{ person }}', variables: PERSON }).expect(201);
    const res = await request(t.url)
      .post(`/api/v1/prompts/${name}/versions`)
      .set(as())
      .send({ body: 'Hello {{person}', labels: ['production'] })
      .expect(422);
    expect(res.body.error.details).toEqual([{ field: 'body', message: expect.stringContaining("unclosed '{{' at line 1, column 7") }]);
    const after = await request(t.url).get(`/api/v1/prompts/${name}`).set(as()).expect(200);
    expect(after.body).toMatchObject({ latest_version: 1, active_version: 1 });
    expect(await versionsOf(name)).toEqual([1]);
  });

  it('refuses a malformed system template and version on the admin routes', async () => {
    const name = `system-${suffix}`;
    const refused = await request(t.url).post('/api/admin/templates').set(admin()).send({ name, body: '{{ }}' }).expect(422);
    expect(refused.body.error.details).toEqual([{ field: 'body', message: expect.stringContaining("empty placeholder '{{ }}' at line 1, column 1") }]);
    expect(await versionsOf(name)).toEqual([]);

    const created = await request(t.url).post('/api/admin/templates').set(admin()).send({ name, body: 'Hello {{ person }}', variables: PERSON }).expect(201);
    const res = await request(t.url)
      .post(`/api/admin/templates/${created.body.id}/versions`)
      .set(admin())
      .send({ system_prompt: 'Answer in\n{{ 1language }}' })
      .expect(422);
    expect(res.body.error.details).toEqual([
      { field: 'system_prompt', message: expect.stringContaining("'{{ 1language }}' at line 2, column 1 is not a placeholder") },
    ]);
    expect(await versionsOf(name)).toEqual([1]);
  });

  /** Saves a template with `body` (201: nothing refused) and renders it for person Ada. */
  async function savedAndRendered(name: string, body: string): Promise<string> {
    await request(t.url).post('/api/v1/prompts').set(as()).send({ name, body, variables: PERSON }).expect(201);
    const rendered = await request(t.url)
      .post(`/api/v1/prompts/${name}/render`)
      .set(as())
      .send({ variables: { person: 'Ada' } })
      .expect(200);
    return rendered.body.prompt as string;
  }

  it('accepts the literal braces it renders as they are: a }} closing JSON, extra braces around a placeholder', async () => {
    const body = 'Answer as {"result": {"person": "{{ person }}"}} or {{{person}}}';
    expect(await savedAndRendered(`literal-braces-${suffix}`, body)).toBe('Answer as {"result": {"person": "Ada"}} or {Ada}');
  });

  it('renders a backslash before {{ as a literal {{: no placeholder, no variable to declare, nothing refused', async () => {
    const body = String.raw`Reply to {{ person }} with a Handlebars example: \{{#each items}}\{{ this }} \{{/each}}`;
    expect(await savedAndRendered(`escaped-braces-${suffix}`, body)).toBe('Reply to Ada with a Handlebars example: {{#each items}}{{ this }} {{/each}}');
  });

  it('does not check again a text a new version inherits, so a version saved before the check can still be followed', async () => {
    const name = `legacy-${suffix}`;
    const created = await request(t.url).post('/api/v1/prompts').set(as()).send({ name, body: 'Hello {{ person }}', variables: PERSON }).expect(201);
    // a version saved before the check existed, its malformed placeholder stored as it was sent
    await pg.query('UPDATE prompt_versions SET body = $2 WHERE template_id = $1 AND version = 1', [created.body.id, 'Hello {{ person }} {{ broken']);
    const v2 = await request(t.url).post(`/api/v1/prompts/${name}/versions`).set(as()).send({ model: 'mock/echo', note: 'model only' }).expect(201);
    expect(v2.body.versions[1]).toMatchObject({ version: 2, body: 'Hello {{ person }} {{ broken', model: 'mock/echo' });
  });
});
