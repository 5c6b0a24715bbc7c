import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A client's name is unique regardless of case: "Billing" and "billing" would be one client to an operator
 * reading a list, a log filter or the CLI. Clients that already share a name in two cases (made before the
 * check) can still be edited and renamed apart.
 */
describe('client names, compared regardless of case', () => {
  let t: TestApp;
  let pg: Client;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const create = (name: string) => request(t.url).post('/api/admin/clients').set(admin()).send({ name });
  const patch = (id: string, body: Record<string, unknown>) => request(t.url).patch(`/api/admin/clients/${id}`).set(admin()).send(body);
  const countNamed = async (pattern: string) =>
    (await pg.query('SELECT count(*)::int AS n FROM api_clients WHERE name ILIKE $1', [pattern])).rows[0].n as number;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('refuses a new client whose name differs from an existing one only in case, with 409 naming the field and the existing name', async () => {
    await create('Billing-App').expect(201);
    for (const name of ['billing-app', 'BILLING-APP', ' bIlLiNg-ApP ']) {
      const res = await create(name).expect(409);
      expect(res.body.error.code).toBe('conflict');
      expect(res.body.error.message).toBe('A client named "Billing-App" already exists');
      expect(res.body.error.details).toEqual([{ field: 'name', message: 'already taken by "Billing-App" (names are compared regardless of case)' }]);
    }
    expect(await countNamed('billing-app')).toBe(1);
  });

  it('folds letters beyond ASCII too, whatever the database locale', async () => {
    await create('École-Straße').expect(201);
    await create('ÉCOLE-STRASSE').expect(409);
    await create('e\u0301cole-straße').expect(409); // the same é, decomposed
    await create('Ecole-Strasse').expect(201); // no accent: another name
  });

  it('refuses renaming a client to another one’s name in another case, and changes nothing', async () => {
    await create('reports').expect(201);
    const other = await create('analytics').expect(201);
    const res = await patch(other.body.id, { name: 'Reports', description: 'x' }).expect(409);
    expect(res.body.error.details).toEqual([{ field: 'name', message: 'already taken by "reports" (names are compared regardless of case)' }]);
    const row = (await pg.query('SELECT name, description FROM api_clients WHERE id = $1', [other.body.id])).rows[0];
    expect(row).toEqual({ name: 'analytics', description: null });
  });

  it('lets a client change the case of its own name', async () => {
    const own = await create('search-api').expect(201);
    const res = await patch(own.body.id, { name: 'Search-API' }).expect(200);
    expect(res.body.name).toBe('Search-API');
  });

  it('admits exactly one of several names differing only in case created at the same moment', async () => {
    const names = ['race-name', 'Race-Name', 'RACE-NAME', 'race-NAME', 'Race-name', 'rAce-name'];
    const answers = await Promise.all(names.map((name) => create(name)));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(await countNamed('race-name')).toBe(1);
  });

  it('keeps clients that already share a name in two cases editable, and lets them be renamed apart', async () => {
    // as a database from before the check may hold them
    const rows = (await pg.query(`INSERT INTO api_clients (name) VALUES ('legacy'), ('LEGACY') RETURNING id, name`)).rows as { id: string; name: string }[];
    const upper = rows.find((r) => r.name === 'LEGACY')!;
    const lower = rows.find((r) => r.name === 'legacy')!;
    // the console sends the name with every save of the settings form
    const edited = await patch(upper.id, { name: 'LEGACY', rate_limit_rpm: 60 }).expect(200);
    expect(edited.body).toMatchObject({ name: 'LEGACY', rate_limit_rpm: 60 });
    await patch(upper.id, { name: 'Legacy' }).expect(409); // still another client's name
    await patch(upper.id, { name: 'legacy-old' }).expect(200);
    await patch(lower.id, { name: 'Legacy' }).expect(200);
    const list = await request(t.url).get('/api/admin/clients?limit=200').set(admin()).expect(200);
    expect(list.body.items.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['Legacy', 'legacy-old']));
  });
});
