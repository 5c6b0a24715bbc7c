import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';
import { pollUntil } from '@test/support/poll';

interface Caller {
  id: string;
  key: string;
}

/**
 * One client can never read or change another's templates, generations or usage:
 * client B tries every client route against client A's things, and A's things are
 * found unchanged afterwards.
 */
describe('isolation between clients on every client route (e2e)', () => {
  let t: TestApp;
  let pg: Client;
  let a: Caller;
  let b: Caller;
  let aRequestId = '';
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const as = (c: Caller) => ({ 'X-API-Key': c.key });

  async function newClient(name: string): Promise<Caller> {
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name }).expect(201);
    const key = await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'main' }).expect(201);
    return { id: client.body.id, key: key.body.key };
  }
  const generate = async (c: Caller, prompt: string) =>
    (await request(t.url).post('/api/v1/llm/generate').set(as(c)).send({ prompt, model: 'mock/echo' }).expect(200)).body.request_id as string;
  const generationCount = async () =>
    (await pg.query(`SELECT count(*)::int AS n FROM llm_generation_log WHERE endpoint = '/api/v1/llm/generate'`)).rows[0].n as number;
  /** What the log holds for one client: tokens and cost come only from its generations. */
  const logged = async (c: Caller) =>
    (
      await pg.query(
        `SELECT coalesce(sum(input_tokens), 0)::int AS input_tokens, coalesce(sum(output_tokens), 0)::int AS output_tokens, coalesce(sum(cost_usd), 0) AS cost
           FROM llm_generation_log WHERE client_id = $1`,
        [c.id],
      )
    ).rows[0] as { input_tokens: number; output_tokens: number; cost: string };
  const summary = async (c: Caller) => (await request(t.url).get('/api/v1/billing/summary').set(as(c)).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({ PRICE_OVERRIDES: JSON.stringify({ 'mock/echo': { input_per_m: '1000', output_per_m: '2000' } }) });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    a = await newClient('client-a');
    b = await newClient('client-b');
    await request(t.url)
      .post('/api/v1/prompts')
      .set(as(a))
      .send({ name: 'a-only', description: 'A’s template', body: 'A says {{ thing }}', variables: [{ name: 'thing', required: true }] })
      .expect(201);
    aRequestId = await generate(a, 'first call of A');
    await generate(a, 'second call of A, a longer one to cost more');
    await generate(b, 'B');
    // calls are recorded asynchronously: wait until the three generations are in the log
    await pollUntil(generationCount, (n) => n === 3);
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  const attempts: Array<[string, () => request.Test]> = [
    ['GET /api/v1/prompts/{name}', () => request(t.url).get('/api/v1/prompts/a-only')],
    ['PATCH /api/v1/prompts/{name}', () => request(t.url).patch('/api/v1/prompts/a-only').send({ description: 'B was here' })],
    ['DELETE /api/v1/prompts/{name}', () => request(t.url).delete('/api/v1/prompts/a-only')],
    ['POST /api/v1/prompts/{name}/versions', () => request(t.url).post('/api/v1/prompts/a-only/versions').send({ body: 'B says {{ thing }}' })],
    [
      'POST /api/v1/prompts/{name}/render',
      () =>
        request(t.url)
          .post('/api/v1/prompts/a-only/render')
          .send({ variables: { thing: 'x' } }),
    ],
    ['POST /api/v1/generations/{id}/feedback', () => request(t.url).post(`/api/v1/generations/${aRequestId}/feedback`).send({ success: false, comment: 'B' })],
  ];

  it.each(attempts)("%s on A's resource answers B 404 not_found, as if it did not exist", async (_route, attempt) => {
    const res = await attempt().set(as(b)).expect(404);
    expect(res.body.error.code).toBe('not_found');
    expect(JSON.stringify(res.body)).not.toContain('A says');
  });

  it("leaves A's template out of B's list", async () => {
    const list = await request(t.url).get('/api/v1/prompts?limit=200').set(as(b)).expect(200);
    expect(list.body.items.map((i: { name: string }) => i.name)).not.toContain('a-only');
  });

  it("finds A's template and generation unchanged after B's attempts", async () => {
    const mine = await request(t.url).get('/api/v1/prompts/a-only').set(as(a)).expect(200);
    expect(mine.body.description).toBe('A’s template');
    const rendered = await request(t.url)
      .post('/api/v1/prompts/a-only/render')
      .set(as(a))
      .send({ variables: { thing: 'x' } })
      .expect(200);
    expect(rendered.body.prompt).toBe('A says x');
    const { rows } = await pg.query('SELECT count(*)::int AS n FROM generation_feedback WHERE request_id = $1', [aRequestId]);
    expect(rows[0].n).toBe(0);
    // A's own feedback on it is accepted
    await request(t.url).post(`/api/v1/generations/${aRequestId}/feedback`).set(as(a)).send({ success: true }).expect(200);
  });

  it("counts only B's own calls in B's usage, whatever the grouping", async () => {
    const [mine, theirs] = [await logged(b), await logged(a)];
    expect(theirs.input_tokens).toBeGreaterThan(mine.input_tokens);
    for (const query of ['', '?group_by=model', '?group_by=provider', '?granularity=hour']) {
      const res = await request(t.url).get(`/api/v1/billing/usage${query}`).set(as(b)).expect(200);
      expect(res.body.totals).toMatchObject({ input_tokens: mine.input_tokens, output_tokens: mine.output_tokens });
      expect(Number(res.body.totals.cost_usd)).toBe(Number(mine.cost));
      for (const item of res.body.items) expect([undefined, null, b.id]).toContain(item.client_id);
    }
    const aUsage = await request(t.url).get('/api/v1/billing/usage').set(as(a)).expect(200);
    expect(aUsage.body.totals).toMatchObject({ input_tokens: theirs.input_tokens, output_tokens: theirs.output_tokens });
  });

  it("refuses B's attempt to name another client in a usage query", async () => {
    const res = await request(t.url).get(`/api/v1/billing/usage?client_id=${a.id}`).set(as(b)).expect(422);
    expect(res.body.error.code).toBe('validation_error');
    await request(t.url).get('/api/v1/billing/usage?group_by=client').set(as(b)).expect(422);
  });

  it("gives B a summary of B's month only", async () => {
    const [mine, theirs] = [await logged(b), await logged(a)];
    const [bSummary, aSummary] = [await summary(b), await summary(a)];
    expect(bSummary).toMatchObject({ input_tokens: mine.input_tokens, output_tokens: mine.output_tokens });
    expect(Number(bSummary.month_to_date_cost_usd)).toBe(Number(mine.cost));
    expect(aSummary).toMatchObject({ input_tokens: theirs.input_tokens, output_tokens: theirs.output_tokens });
    expect(Number(aSummary.month_to_date_cost_usd)).toBe(Number(theirs.cost));
    expect(Number(theirs.cost)).toBeGreaterThan(Number(mine.cost));
  });
});
