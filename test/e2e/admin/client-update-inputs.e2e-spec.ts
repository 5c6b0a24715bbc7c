import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * What an operator can get wrong when creating and editing clients and keys: each mistake is a 422 naming
 * the field, the database keeps what it had, and edits of different fields made at the same time all stay.
 */
describe('client and key edits from a careless operator', () => {
  let t: TestApp;
  let pg: Client;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  let n = 0;
  const createClient = (fields: Record<string, unknown> = {}) =>
    request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `edit-${++n}`, ...fields });
  const clientRow = async (id: string) => (await pg.query('SELECT * FROM api_clients WHERE id = $1', [id])).rows[0] as Record<string, unknown>;

  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  it('keeps every field when several edits of the same client run at once', async () => {
    const edits = [
      { rate_limit_rpm: 77 },
      { description: 'changed' },
      { rate_limit_tpm: 5000 },
      { is_active: false },
      { metadata: { team: 'growth' } },
      { budget_period: 'day' },
      { monthly_budget_usd: '12.5' },
    ];
    for (let round = 0; round < 3; round++) {
      const created = await createClient().expect(201);
      const answers = await Promise.all(edits.map((edit) => request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send(edit)));
      for (const answer of answers) expect(answer.status).toBe(200);
      const read = await request(t.url).get(`/api/admin/clients/${created.body.id}`).set(admin()).expect(200);
      expect(read.body).toMatchObject({
        rate_limit_rpm: 77,
        description: 'changed',
        rate_limit_tpm: 5000,
        is_active: false,
        metadata: { team: 'growth' },
        budget_period: 'day',
        monthly_budget_usd: '12.5',
      });
    }
  });

  it.each([
    ['name', 'name cannot be null: leave it out to keep the current value'],
    ['is_active', 'is_active cannot be null: leave it out to keep the current value'],
    ['budget_period', 'budget_period cannot be null: leave it out to keep the current value'],
    ['budget_timezone', 'budget_timezone cannot be null: leave it out to keep the current value'],
    ['metadata', 'metadata cannot be null: leave it out to keep the current value'],
  ])('refuses %s: null on PATCH with 422 naming it, and changes nothing', async (field, message) => {
    const created = await createClient({ description: 'before', metadata: { a: 1 } }).expect(201);
    const before = await clientRow(created.body.id);
    const res = await request(t.url)
      .patch(`/api/admin/clients/${created.body.id}`)
      .set(admin())
      .send({ description: 'after', [field]: null })
      .expect(422);
    expect(res.body.error.code).toBe('validation_error');
    // the null alone: not also every rule a value would have had to pass (length, type, …)
    expect(res.body.error.details).toEqual([{ field, message }]);
    expect(await clientRow(created.body.id)).toEqual(before);
  });

  it.each([
    ['rate_limit_rpm', 'abc', 'rate_limit_rpm must be an integer number'],
    ['name', 42, 'name must be a string'],
  ])('refuses %s of the wrong type with that one problem, not its range or length too', async (field, value, message) => {
    const created = await createClient().expect(201);
    const res = await request(t.url)
      .patch(`/api/admin/clients/${created.body.id}`)
      .set(admin())
      .send({ [field]: value })
      .expect(422);
    expect(res.body.error.details).toEqual([{ field, message }]);
  });

  it('refuses a blank name on create and on PATCH, creating and changing nothing', async () => {
    const before = (await pg.query('SELECT count(*)::int AS n FROM api_clients')).rows[0].n as number;
    for (const name of ['', '   ', '\t\n']) {
      const res = await request(t.url).post('/api/admin/clients').set(admin()).send({ name }).expect(422);
      expect(res.body.error.details).toEqual([{ field: 'name', message: 'name must not be empty or only spaces' }]);
    }
    expect((await pg.query('SELECT count(*)::int AS n FROM api_clients')).rows[0].n).toBe(before);
    expect((await pg.query(`SELECT count(*)::int AS n FROM api_clients WHERE btrim(name) = ''`)).rows[0].n).toBe(0);

    const created = await createClient().expect(201);
    const res = await request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ name: '   ' }).expect(422);
    expect(res.body.error.details).toEqual([{ field: 'name', message: 'name must not be empty or only spaces' }]);
    expect((await clientRow(created.body.id)).name).toBe(created.body.name);
  });

  it('drops the spaces around a name, so " name " is the same name (409)', async () => {
    const created = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: '  spaced-name  ' }).expect(201);
    expect(created.body.name).toBe('spaced-name');
    const dup = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'spaced-name ' }).expect(409);
    expect(dup.body.error.details).toEqual([{ field: 'name', message: 'already taken' }]);
  });

  it('answers a PATCH of a deleted client with 404 and writes nothing', async () => {
    const created = await createClient().expect(201);
    await request(t.url).delete(`/api/admin/clients/${created.body.id}`).set(admin()).expect(204);
    const res = await request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ rate_limit_rpm: 5 }).expect(404);
    expect(res.body.error.code).toBe('not_found');
    expect(await clientRow(created.body.id)).toBeUndefined();
  });

  it.each([
    ['name', 'nul\u0000name'],
    ['description', 'a\u0000b'],
    ['metadata', { 'team\u0000': 'x' }],
    ['metadata', { nested: { list: ['ok', 'x\u0000'] } }],
    ['allowed_models', ['mock/echo\u0000']],
  ])('refuses a NUL character in %s with 422 naming the field, and creates nothing', async (field, value) => {
    const before = (await pg.query('SELECT count(*)::int AS n FROM api_clients')).rows[0].n as number;
    const res = await createClient({ [field]: value }).expect(422);
    expect(res.body.error.details).toEqual([{ field, message: `${field} contains a NUL character (\\u0000), which cannot be stored` }]);
    expect((await pg.query('SELECT count(*)::int AS n FROM api_clients')).rows[0].n).toBe(before);
  });

  it.each([
    ['name', '   ', 'name must not be empty or only spaces; leave it out for "default"'],
    ['name', 'a\u0000b', 'name contains a NUL character (\\u0000), which cannot be stored'],
    ['allowed_models', ['mock/echo\u0000'], 'allowed_models contains a NUL character (\\u0000), which cannot be stored'],
    ['rate_limit_rpm', 1e12, 'rate_limit_rpm must not be greater than 10000000'],
    ['rate_limit_tpm', 3e9, 'rate_limit_tpm must not be greater than 2000000000'],
  ])('refuses a key %s of %j with 422 naming it, and creates no key', async (field, value, message) => {
    const created = await createClient().expect(201);
    const res = await request(t.url)
      .post(`/api/admin/clients/${created.body.id}/keys`)
      .set(admin())
      .send({ [field]: value })
      .expect(422);
    expect(res.body.error.details).toEqual([{ field, message }]);
    expect((await pg.query('SELECT count(*)::int AS n FROM api_keys WHERE client_id = $1', [created.body.id])).rows[0].n).toBe(0);
  });

  it('refuses a timezone that does not exist, naming it, and keeps what the client had', async () => {
    const created = await createClient({ budget_timezone: 'Asia/Tokyo' }).expect(201);
    for (const wrong of ['Mars/Olympus', '+05:00', 'local', '']) {
      const refused = await createClient({ budget_timezone: wrong }).expect(422);
      expect(refused.body.error.details).toEqual([{ field: 'budget_timezone', message: 'expected an IANA timezone such as "UTC" or "Europe/Berlin"' }]);
      await request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ budget_timezone: wrong }).expect(422);
    }
    expect((await clientRow(created.body.id)).budget_timezone).toBe('Asia/Tokyo');
  });

  it('stores a timezone typed in the wrong case in its IANA spelling, and an alias as given', async () => {
    const created = await createClient({ budget_timezone: 'utc' }).expect(201);
    expect(created.body.budget_timezone).toBe('UTC');
    const patch = (budget_timezone: string) => request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ budget_timezone }).expect(200);
    expect((await patch('europe/berlin')).body.budget_timezone).toBe('Europe/Berlin');
    expect((await patch('US/Pacific')).body.budget_timezone).toBe('US/Pacific');
    expect((await clientRow(created.body.id)).budget_timezone).toBe('US/Pacific');
  });
});
