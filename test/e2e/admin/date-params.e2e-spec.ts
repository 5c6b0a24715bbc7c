import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/** Dates an operator or a client can mistype are a 422 naming the field, never a 500 nor a silently shifted day. */
describe('date query and body fields', () => {
  let t: TestApp;
  let templateId: string;
  let clientId: string;
  let key: string;
  const admin = (r: request.Test) => r.set('Authorization', `Bearer ${t.adminToken}`);

  beforeAll(async () => {
    t = await startTestApp();
    const templates = await admin(request(t.url).get('/api/admin/templates')).expect(200);
    templateId = templates.body.items[0].id;
    const client = await admin(request(t.url).post('/api/admin/clients')).send({ name: 'date-params' }).expect(201);
    clientId = client.body.id;
    key = (
      await admin(request(t.url).post(`/api/admin/clients/${clientId}/keys`))
        .send({})
        .expect(201)
    ).body.key;
  });

  afterAll(async () => {
    await t?.close();
  });

  const routes = (): Array<[string, (query: string) => request.Test]> => [
    ['admin logs', (q) => admin(request(t.url).get(`/api/admin/logs?${q}`))],
    ['admin usage', (q) => admin(request(t.url).get(`/api/admin/billing/usage?${q}`))],
    ['admin export', (q) => admin(request(t.url).get(`/api/admin/billing/export.csv?${q}`))],
    ['template stats', (q) => admin(request(t.url).get(`/api/admin/templates/${templateId}/stats?${q}`))],
    ['client usage', (q) => request(t.url).get(`/api/v1/billing/usage?${q}`).set('X-API-Key', key)],
  ];

  it.each(['from=0000-01-01&to=0000-01-05', 'from=2026-W01', 'to=20261201', 'from=2026-02-30'])(
    'answers 422 naming the field for %s on every route',
    async (query) => {
      for (const [name, get] of routes()) {
        const res = await get(query);
        expect({ name, status: res.status }).toEqual({ name, status: 422 });
        expect(res.body.error.code).toBe('validation_error');
        expect(res.body.error.details[0].field).toMatch(/^(from|to)$/);
        expect(res.body.error.details[0].message).toMatch(/ISO 8601|between the years/);
      }
    },
  );

  it('answers 422 naming from when from is not before to, on every route', async () => {
    for (const [name, get] of routes()) {
      const res = await get('from=2026-11-02&to=2026-11-01');
      expect({ name, status: res.status }).toEqual({ name, status: 422 });
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details[0]).toEqual({ field: 'from', message: 'must be before to' });
    }
  });

  it('answers 422 naming from when from is in the future and to is left out (to is now), on every route', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    for (const [name, get] of routes()) {
      const res = await get(`from=${encodeURIComponent(future)}`);
      expect({ name, status: res.status }).toEqual({ name, status: 422 });
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details[0]).toEqual({ field: 'from', message: 'must be before to (now, when to is left out)' });
    }
    // a past from with to left out still reads up to now
    for (const [name, get] of routes()) {
      const res = await get(`from=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`);
      expect({ name, status: res.status }).toEqual({ name, status: 200 });
    }
  });

  it('refuses a key whose expires_at is not a real date or already past', async () => {
    for (const expires_at of ['2027-02-30', '2027-W01', '0000-01-01', '2020-01-01T00:00:00Z']) {
      const res = await admin(request(t.url).post(`/api/admin/clients/${clientId}/keys`))
        .send({ expires_at })
        .expect(422);
      expect(res.body.error.details[0].field).toBe('expires_at');
    }
    const future = new Date(Date.now() + 86_400_000).toISOString();
    const res = await admin(request(t.url).post(`/api/admin/clients/${clientId}/keys`))
      .send({ expires_at: future })
      .expect(201);
    expect(res.body.expires_at).toBe(future);
  });
});
