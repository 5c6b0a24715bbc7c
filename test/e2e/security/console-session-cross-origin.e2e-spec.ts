import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

const LISTED = 'https://console.example.com';

/**
 * SameSite=Strict keeps the console's cookie from other sites, not from another
 * origin of the same site: a page on a sibling subdomain or another port of the
 * host gets it sent along. Such a page can post a form with no fields, which
 * the JSON-only body check lets through (there is no body), to an admin route
 * that needs none. A cookie-authenticated change is refused unless it comes
 * from this server's own origin or one CORS_ORIGINS lists.
 */
describe('console session: changes from another origin (e2e)', () => {
  let t: TestApp;
  let cookie = '';
  let ownOrigin = '';
  let clientId = '';
  let keyId = '';
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  // what a browser sends with a field-less <form method="post"> from a same-site page
  const formPost = (path: string) => request(t.url).post(path).set('Cookie', cookie).set('Content-Type', 'application/x-www-form-urlencoded');

  async function keysOfClient(): Promise<number> {
    return (await request(t.url).get(`/api/admin/clients/${clientId}/keys`).set(admin()).expect(200)).body.items.length;
  }

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: LISTED });
    ownOrigin = t.url;
    const login = await request(t.url).post('/api/admin/session').send({ token: t.adminToken }).expect(201);
    cookie = String(login.headers['set-cookie']).split(';')[0];
    clientId = (await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'csrf-target' }).expect(201)).body.id;
    keyId = (await request(t.url).post(`/api/admin/clients/${clientId}/keys`).set(admin()).send({ name: 'main' }).expect(201)).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a sibling subdomain', { Origin: 'http://evil.127.0.0.1.nip.io', 'Sec-Fetch-Site': 'same-site' }],
    ['another port of the host', { Origin: 'http://127.0.0.1:1' }],
    ['another site', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }],
    ['a sandboxed frame (Origin: null)', { Origin: 'null' }],
    ['a same-site page without Origin', { 'Sec-Fetch-Site': 'same-site' }],
  ])('refuses a field-less form post from %s with 403, and rotates nothing', async (_, headers) => {
    const before = await keysOfClient();
    const res = await formPost(`/api/admin/keys/${keyId}/rotate`).set(headers).expect(403);
    expect(res.body.error.code).toBe('forbidden');
    expect(await keysOfClient()).toBe(before);
  });

  it('refuses a JSON change (PATCH, DELETE) from another origin too', async () => {
    const other = { Cookie: cookie, Origin: 'http://127.0.0.1:1' };
    await request(t.url).patch(`/api/admin/clients/${clientId}`).set(other).send({ description: 'x' }).expect(403);
    await request(t.url).delete(`/api/admin/keys/${keyId}`).set(other).expect(403);
    const client = await request(t.url).get(`/api/admin/clients/${clientId}`).set(admin()).expect(200);
    expect(client.body.description).toBeNull();
  });

  it('refuses to end the session from another origin, and ends it from its own', async () => {
    const login = await request(t.url).post('/api/admin/session').send({ token: t.adminToken }).expect(201);
    const own = String(login.headers['set-cookie']).split(';')[0];
    const refused = await request(t.url)
      .delete('/api/admin/session')
      .set({ Cookie: own, Origin: 'http://127.0.0.1:1', 'Sec-Fetch-Site': 'same-site' })
      .expect(403);
    expect(refused.body.error.code).toBe('forbidden');
    expect(refused.headers['set-cookie']).toBeUndefined();
    await request(t.url).get('/api/admin/clients').set('Cookie', own).expect(200);
    await request(t.url).delete('/api/admin/session').set({ Cookie: own, Origin: ownOrigin }).expect(204);
    await request(t.url).get('/api/admin/clients').set('Cookie', own).expect(401);
  });

  it('accepts the change from the server’s own origin, from a listed origin, and when the browser says same-origin', async () => {
    await request(t.url).patch(`/api/admin/clients/${clientId}`).set({ Cookie: cookie, Origin: ownOrigin }).send({ description: 'own' }).expect(200);
    await request(t.url).patch(`/api/admin/clients/${clientId}`).set({ Cookie: cookie, Origin: LISTED }).send({ description: 'listed' }).expect(200);
    // a proxy in front rewrote Host: the browser's Sec-Fetch-Site still tells
    await request(t.url)
      .patch(`/api/admin/clients/${clientId}`)
      .set({ Cookie: cookie, Origin: 'https://llmhub.example.com', 'Sec-Fetch-Site': 'same-origin' })
      .send({ description: 'proxied' })
      .expect(200);
  });

  it('leaves reads, callers without a browser and the admin token alone', async () => {
    await request(t.url).get('/api/admin/clients').set({ Cookie: cookie, Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }).expect(200);
    await request(t.url).patch(`/api/admin/clients/${clientId}`).set('Cookie', cookie).send({ description: 'curl' }).expect(200);
    await request(t.url).patch(`/api/admin/clients/${clientId}`).set(admin()).set('Origin', 'https://evil.example').send({ description: 'token' }).expect(200);
  });
});
