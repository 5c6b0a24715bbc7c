import request from 'supertest';
import { AdminAuthService } from '@src/auth/admin-auth.service';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * An application configured with its API key where the admin token belongs (or an operator pasting
 * the wrong secret) used to count as guesses of the admin token: after a few, the throttle slowed
 * down every admin request from that address, the operator's console included.
 */
describe('an API key sent to an admin route (e2e)', () => {
  let t: TestApp;
  let key: string;
  let revokedKey: string;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });
  const delayMs = () => t.app.get(AdminAuthService).throttle.delayMs('127.0.0.1');

  beforeAll(async () => {
    t = await startTestApp({ TRUST_PROXY: undefined });
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'misconfigured-app' }).expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'live' }).expect(201)).body.key;
    const revoked = await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'revoked' }).expect(201);
    await request(t.url).delete(`/api/admin/keys/${revoked.body.id}`).set(admin()).expect(204);
    revokedKey = revoked.body.key;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  afterEach(() => t.app.get(AdminAuthService).throttle.succeeded('127.0.0.1'));

  it('answers 403 saying admin routes take the admin token, however often, and never slows the operator down', async () => {
    for (let i = 0; i < 12; i++) {
      const res = await request(t.url).get('/api/admin/clients').set('Authorization', `Bearer ${key}`).expect(403);
      expect(res.body.error.code).toBe('forbidden');
      expect(res.body.error.message).toContain('This is an LLMHub API key');
      expect(res.body.error.message).toContain('admin routes take the admin token');
    }
    const login = await request(t.url).post('/api/admin/session').send({ token: key }).expect(403);
    expect(login.body.error.code).toBe('forbidden');
    expect(delayMs()).toBe(0);
    await request(t.url).get('/api/admin/clients').set(admin()).expect(200);
  });

  it('is no oracle: an lh_… string that is not a live key, or a revoked one, is a wrong token and counts', async () => {
    const guesses = [`lh_${'a'.repeat(43)}`, revokedKey, `lh_${'b'.repeat(43)}`, revokedKey, `lh_${'c'.repeat(43)}`];
    for (const guess of guesses) {
      const res = await request(t.url).get('/api/admin/clients').set('Authorization', `Bearer ${guess}`).expect(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'Invalid admin token' });
    }
    expect(delayMs()).toBeGreaterThan(0);
  });
});
