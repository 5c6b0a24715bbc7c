import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * Deleting a client deletes what only it could use (its keys, the templates it owns) and keeps what
 * describes what happened: its usage records, and the feedback it gave on its calls, which counts in
 * the success rates of the templates it called.
 */
describe('deleting a client', () => {
  let t: TestApp;
  let pg: Client;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const count = async (sql: string, id: string) => (await pg.query(`SELECT count(*)::int AS n FROM ${sql}`, [id])).rows[0].n as number;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('keeps its usage records and its feedback, and takes its keys and own templates with it', async () => {
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'leaving' }).expect(201);
    const { key } = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({}).expect(201)).body as { key: string };
    const asClient = { Authorization: `Bearer ${key}` };
    await request(t.url).post('/api/v1/prompts').set(asClient).send({ name: 'own-greeting', body: 'Hello' }).expect(201);
    const call = await request(t.url)
      .post('/v1/chat/completions')
      .set(asClient)
      .send({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] })
      .expect(200);
    const requestId = call.headers['x-request-id'];
    await request(t.url).post(`/api/v1/generations/${requestId}/feedback`).set(asClient).send({ success: false, comment: 'wrong answer' }).expect(200);

    await request(t.url).delete(`/api/admin/clients/${client.body.id}`).set(admin()).expect(204);

    expect(await count('llm_generation_log WHERE id = $1', requestId)).toBe(1);
    expect((await pg.query('SELECT success, comment FROM generation_feedback WHERE request_id = $1', [requestId])).rows).toEqual([
      { success: false, comment: 'wrong answer' },
    ]);
    expect(await count('api_keys WHERE client_id = $1', client.body.id)).toBe(0);
    expect(await count('prompt_templates WHERE owner_client_id = $1', client.body.id)).toBe(0);
    await request(t.url).get('/api/v1/me').set(asClient).expect(401);
  });
});
