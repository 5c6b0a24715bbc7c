import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A request to a route's path under a method it does not take (PATCH where the route takes PUT)
 * is still a 404 not_found, and its message names the methods the route takes.
 */
describe('a route asked with a method it does not take', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    t = await startTestApp();
  }, 60_000);

  afterAll(async () => {
    await t?.close();
  });

  it('names the methods an admin route takes', async () => {
    const res = await request(t.url).patch('/api/admin/providers/openai').set(admin()).send({ enabled: false }).expect(404);
    expect(res.body.error).toMatchObject({
      code: 'not_found',
      message: 'No such route: PATCH /api/admin/providers/openai. /api/admin/providers/{name} takes PUT. See /docs for the API.',
    });
  });

  it('names them in the provider-shaped envelope on /v1 routes', async () => {
    const res = await request(t.url).get('/v1/chat/completions').expect(404);
    expect(res.body.error).toMatchObject({ message: 'No such route: GET /v1/chat/completions. /v1/chat/completions takes POST. See /docs for the API.' });
  });

  it('answers a path no route has, and a method the route takes, as before', async () => {
    const missing = await request(t.url).patch('/api/admin/nothing-here').set(admin()).expect(404);
    expect(missing.body.error.message).toBe('No such route. See /docs for the API.');
    await request(t.url).get('/api/admin/providers').set(admin()).expect(200);
  });
});
