import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A query parameter an admin route does not read is refused naming it. `?limit=5` on the
 * providers or prices list used to answer the whole list as if it had been honoured.
 */
describe('admin: query parameters a route does not take (e2e)', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it.each(['/api/admin/providers', '/api/admin/prices'])('%s answers its whole list, and refuses limit and cursor saying it is not paged', async (path) => {
    const whole = await request(t.url).get(path).set(admin()).expect(200);
    expect(whole.body.next_cursor).toBeNull();

    const res = await request(t.url).get(`${path}?limit=1&cursor=abc`).set(admin()).expect(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['limit', 'cursor']);
    expect(res.body.error.details[0].message).toMatch(/^limit: this list is not paged; it answers .* at once \(next_cursor is always null\)$/);
  });

  it('a route that takes no query parameters names the one sent', async () => {
    const res = await request(t.url).get('/api/admin/dashboard?range=7d').set(admin()).expect(422);
    expect(res.body.error).toMatchObject({
      code: 'validation_error',
      message: 'Invalid request: range',
      details: [{ field: 'range', message: 'unknown query parameter "range": this route takes none' }],
    });
  });

  it('so does a route that changes something, before changing it', async () => {
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'query-params' }).expect(201);
    const res = await request(t.url).get(`/api/admin/clients/${client.body.id}?include=keys`).set(admin()).expect(422);
    expect(res.body.error.details).toEqual([{ field: 'include', message: 'unknown query parameter "include": this route takes none' }]);

    await request(t.url).patch(`/api/admin/clients/${client.body.id}?dry_run=true`).set(admin()).send({ name: 'renamed' }).expect(422);
    const after = await request(t.url).get(`/api/admin/clients/${client.body.id}`).set(admin()).expect(200);
    expect(after.body.name).toBe('query-params');
  });

  it('the paged lists still take limit and cursor, and refuse other parameters as before', async () => {
    for (const name of ['paged-a', 'paged-b']) await request(t.url).post('/api/admin/clients').set(admin()).send({ name }).expect(201);
    const first = await request(t.url).get('/api/admin/clients?limit=1').set(admin()).expect(200);
    expect(first.body.items).toHaveLength(1);
    const next = await request(t.url).get(`/api/admin/clients?limit=1&cursor=${first.body.next_cursor}`).set(admin()).expect(200);
    expect(next.body.items[0].id).not.toBe(first.body.items[0].id);

    const res = await request(t.url).get('/api/admin/clients?limit=1&sort=name').set(admin()).expect(422);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['sort']);
  });

  it('without the admin token the answer is still 401, whatever the query', async () => {
    const res = await request(t.url).get('/api/admin/providers?limit=1').expect(401);
    expect(res.body.error.code).toBe('unauthorized');
  });
});
