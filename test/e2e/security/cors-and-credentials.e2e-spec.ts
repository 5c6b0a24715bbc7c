import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

const ALLOWED = 'https://console.example.com';
const OTHER = 'https://evil.example.net';

/** Cross-origin browsers get in only from CORS_ORIGINS; admin and client credentials never stand in for each other. */
describe('CORS and separate credentials (e2e)', () => {
  let t: TestApp;
  let key = '';
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: `${ALLOWED}, https://other-allowed.example.com` });
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'cors-app' }).expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'main' }).expect(201)).body.key;
  });
  afterAll(async () => {
    await t.close();
  });

  describe.each(['/api/v1/me', '/v1/models', '/api/admin/clients'])('%s', (path) => {
    it('answers a preflight from an allowed origin with that origin and credentials', async () => {
      const res = await request(t.url)
        .options(path)
        .set('Origin', ALLOWED)
        .set('Access-Control-Request-Method', 'GET')
        .set('Access-Control-Request-Headers', 'authorization,content-type');
      expect(res.status).toBeLessThan(300);
      expect(res.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
    });

    it('gives a preflight from another origin no Access-Control-Allow-Origin', async () => {
      const res = await request(t.url).options(path).set('Origin', OTHER).set('Access-Control-Request-Method', 'GET');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('lets an allowed origin read a simple response, and not another origin', async () => {
      const headers = path.startsWith('/api/admin') ? admin() : { Authorization: `Bearer ${key}` };
      const allowed = await request(t.url).get(path).set(headers).set('Origin', ALLOWED).expect(200);
      expect(allowed.headers['access-control-allow-origin']).toBe(ALLOWED);
      expect(allowed.headers['access-control-allow-credentials']).toBe('true');
      const other = await request(t.url).get(path).set(headers).set('Origin', OTHER);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('never sends CORS headers when CORS_ORIGINS is unset', async () => {
    const plain = await startTestApp({ CORS_ORIGINS: undefined });
    try {
      const res = await request(plain.url).options('/v1/models').set('Origin', ALLOWED).set('Access-Control-Request-Method', 'GET');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await plain.close();
    }
  });

  it('refuses the admin token and the console session on the OpenAI-compatible routes, in the OpenAI error shape', async () => {
    const bearer = await request(t.url).get('/v1/models').set(admin()).expect(401);
    expect(bearer.body.error).toMatchObject({ code: 'invalid_api_key' });
    await request(t.url).get('/api/v1/me').set('X-API-Key', t.adminToken).expect(401);
    const login = await request(t.url).post('/api/admin/session').send({ token: t.adminToken }).expect(201);
    const session = String(login.headers['set-cookie']).split(';')[0];
    await request(t.url).get('/api/admin/clients').set('Cookie', session).expect(200);
    await request(t.url).get('/api/v1/me').set('Cookie', session).expect(401);
    await request(t.url).get('/v1/models').set('Cookie', session).expect(401);
  });

  it('refuses an API key on the console session login and on the admin routes of every kind', async () => {
    // as the admin token: 403, saying admin routes take the admin token; as X-API-Key: no admin credential at all
    await request(t.url).post('/api/admin/session').send({ token: key }).expect(403);
    await request(t.url).post('/api/admin/clients').set('Authorization', `Bearer ${key}`).send({ name: 'sneaky' }).expect(403);
    for (const path of ['/api/admin/logs', '/api/admin/providers', '/api/admin/templates', '/api/admin/dashboard']) {
      await request(t.url).get(path).set('X-API-Key', key).expect(401);
      await request(t.url).get(path).set('Authorization', `Bearer ${key}`).expect(403);
    }
  });

  it('marks the session cookie Secure when a trusted proxy says the request came over HTTPS, and not otherwise', async () => {
    const plain = await request(t.url).post('/api/admin/session').send({ token: t.adminToken }).expect(201);
    expect(String(plain.headers['set-cookie'])).not.toMatch(/;\s*Secure/);
    const tls = await request(t.url).post('/api/admin/session').set('X-Forwarded-Proto', 'https, http').send({ token: t.adminToken }).expect(201);
    const cookie = String(tls.headers['set-cookie']);
    expect(cookie).toMatch(/;\s*Secure/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
  });
});
