import { Client } from 'pg';
import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';
import { pollUntil } from '@test/support/poll';

describe('access control over HTTP', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  async function newClient(body: Record<string, unknown> = {}): Promise<{ id: string; key: string; keyId: string }> {
    const client = await request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `app-${Math.random().toString(36).slice(2)}`, ...body })
      .expect(201);
    const key = await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'main' }).expect(201);
    return { id: client.body.id, key: key.body.key, keyId: key.body.id };
  }

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('accepts a key as X-API-Key and as a bearer token, and refuses a missing or wrong one with 401', async () => {
    const { id, key } = await newClient();
    const me = await request(t.url).get('/api/v1/me').set('X-API-Key', key).expect(200);
    expect(me.body).toMatchObject({ client_id: id });
    await request(t.url).get('/api/v1/me').set('Authorization', `Bearer ${key}`).expect(200);
    const missing = await request(t.url).get('/api/v1/me').expect(401);
    expect(missing.body.error.code).toBe('missing_api_key');
    const wrong = await request(t.url)
      .get('/api/v1/me')
      .set('X-API-Key', `${key.slice(0, -2)}xx`)
      .expect(401);
    expect(wrong.body.error.code).toBe('invalid_api_key');
  });

  it('answers the created key in full once and lists only its prefix', async () => {
    const { id, key } = await newClient();
    expect(key).toMatch(/^lh_[A-Za-z0-9_-]{40,}$/);
    const list = await request(t.url).get(`/api/admin/clients/${id}/keys`).set(admin()).expect(200);
    expect(list.body.next_cursor).toBeNull();
    expect(list.body.items).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(key);
    expect(key.startsWith(list.body.items[0].prefix)).toBe(true);
  });

  it('never stores a full key in any column of any table', async () => {
    const { key } = await newClient();
    await request(t.url).get('/api/v1/me').set('X-API-Key', key).expect(200);
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      const { rows: columns } = await pg.query(
        `SELECT table_name, column_name, data_type FROM information_schema.columns
          WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'bytea', 'jsonb', 'json', 'ARRAY')`,
      );
      expect(columns.length).toBeGreaterThan(10);
      for (const c of columns) {
        const cast = c.data_type === 'bytea' ? `encode("${c.column_name}", 'escape')` : `"${c.column_name}"::text`;
        const { rows } = await pg.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE strpos(${cast}, $1) > 0`, [key]);
        expect({ column: `${c.table_name}.${c.column_name}`, n: rows[0].n }).toEqual({ column: `${c.table_name}.${c.column_name}`, n: 0 });
      }
    } finally {
      await pg.end();
    }
  });

  it('refuses a revoked key with 401 invalid_api_key within 5 seconds', async () => {
    const { key, keyId } = await newClient();
    await request(t.url).get('/api/v1/me').set('X-API-Key', key).expect(200);
    await request(t.url).delete(`/api/admin/keys/${keyId}`).set(admin()).expect(204);
    const started = Date.now();
    const status = await pollUntil(
      async () => (await request(t.url).get('/api/v1/me').set('X-API-Key', key)).status,
      (s) => s !== 200,
      { timeoutMs: 6_000, intervalMs: 100 },
    );
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refuses an expired key with 401 invalid_api_key saying it has expired, and lists it as expired', async () => {
    const { id } = await newClient();
    const created = await request(t.url)
      .post(`/api/admin/clients/${id}/keys`)
      .set(admin())
      .send({ expires_at: new Date(Date.now() + 3_600_000).toISOString() })
      .expect(201);
    const pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    try {
      await pg.query(`UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1`, [created.body.id]);
    } finally {
      await pg.end();
    }
    const res = await request(t.url).get('/api/v1/me').set('X-API-Key', created.body.key).expect(401);
    expect(res.body.error).toMatchObject({ code: 'invalid_api_key', message: 'The API key has expired' });
    const keys = await request(t.url).get(`/api/admin/clients/${id}/keys`).set(admin()).expect(200);
    expect(keys.body.items.find((k: { id: string }) => k.id === created.body.id).status).toBe('expired');
  });

  it('refuses a deactivated client with 403 client_inactive', async () => {
    const { id, key } = await newClient();
    await request(t.url).patch(`/api/admin/clients/${id}`).set(admin()).send({ is_active: false }).expect(200);
    const res = await request(t.url).get('/api/v1/me').set('X-API-Key', key).expect(403);
    expect(res.body.error.code).toBe('client_inactive');
  });

  it('keeps the old key working during the rotation grace period, and the new one after', async () => {
    const { key, keyId } = await newClient();
    const rotated = await request(t.url).post(`/api/admin/keys/${keyId}/rotate`).set(admin()).send({ grace_period_seconds: 5 }).expect(201);
    expect(rotated.body).toMatchObject({ rotated_from_id: keyId, key: expect.stringMatching(/^lh_/) });
    // within the grace period (5 s: room for a busy machine between the rotation and these calls)
    await request(t.url).get('/api/v1/me').set('X-API-Key', key).expect(200);
    await request(t.url).get('/api/v1/me').set('X-API-Key', rotated.body.key).expect(200);
    // the old key stops working once the grace period is over (and the key cache has noticed)
    const afterGrace = await pollUntil(
      () => request(t.url).get('/api/v1/me').set('X-API-Key', key),
      (res) => res.status !== 200,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    expect(afterGrace.status).toBe(401);
    expect(afterGrace.body.error.code).toBe('invalid_api_key');
    await request(t.url).get('/api/v1/me').set('X-API-Key', rotated.body.key).expect(200);
  });

  it('rotates a key once: rotating it again during its grace period is a 409 naming the replacement to rotate instead', async () => {
    const { id, keyId } = await newClient();
    const rotated = await request(t.url).post(`/api/admin/keys/${keyId}/rotate`).set(admin()).send({ grace_period_seconds: 3600 }).expect(201);
    const again = await request(t.url).post(`/api/admin/keys/${keyId}/rotate`).set(admin()).send({ grace_period_seconds: 3600 }).expect(409);
    expect(again.body.error.code).toBe('conflict');
    expect(again.body.error.message).toContain(`its replacement is key ${rotated.body.id}`);
    const list = await request(t.url).get(`/api/admin/clients/${id}/keys`).set(admin()).expect(200);
    expect(list.body.items.map((k: { id: string }) => k.id).sort()).toEqual([keyId, rotated.body.id].sort());
    // the replacement itself rotates as any key does
    await request(t.url).post(`/api/admin/keys/${rotated.body.id}/rotate`).set(admin()).send({}).expect(201);
  });

  it('revokes the old key at once when rotating without a grace period', async () => {
    const { key, keyId } = await newClient();
    const rotated = await request(t.url).post(`/api/admin/keys/${keyId}/rotate`).set(admin()).send({}).expect(201);
    expect(rotated.body.previous_key_expires_at).toBeNull();
    await request(t.url).get('/api/v1/me').set('X-API-Key', key).expect(401);
  });

  // without a grace period, so that a rotation arriving after the first one finds the key revoked
  it('makes one replacement when one key is rotated several times at once, answering the others 409', async () => {
    const { id, keyId } = await newClient();
    const answers = await Promise.all(Array.from({ length: 6 }, () => request(t.url).post(`/api/admin/keys/${keyId}/rotate`).set(admin()).send({})));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('conflict');
    const list = await request(t.url).get(`/api/admin/clients/${id}/keys`).set(admin()).expect(200);
    const live = list.body.items.filter((k: { status: string }) => k.status === 'active').map((k: { id: string }) => k.id);
    expect(live).toEqual([answers.find((a) => a.status === 201)!.body.id]);
  });

  it("gives a key narrowed below its client's RPM a limit of its own: its calls leave the client's other keys the rest", async () => {
    const { id, key: wide } = await newClient({ rate_limit_rpm: 4 });
    const narrow = await request(t.url).post(`/api/admin/clients/${id}/keys`).set(admin()).send({ name: 'narrow', rate_limit_rpm: 1 }).expect(201);
    const chat = (key: string) =>
      request(t.url)
        .post('/v1/chat/completions')
        .set('Authorization', `Bearer ${key}`)
        .send({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
    expect((await chat(narrow.body.key)).status).toBe(200);
    const keyLimit = await chat(narrow.body.key);
    expect(keyLimit.status).toBe(429);
    expect(keyLimit.body.error.message).toContain("Rate limit of 1 requests per minute (this API key's own) reached");
    expect(Number(keyLimit.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // the client's 4 per minute: one went to the narrow key, three are left for the other key (the narrow key's used to take them all)
    const wideStatuses = [];
    for (let i = 0; i < 3; i++) wideStatuses.push((await chat(wide)).status);
    expect(wideStatuses).toEqual([200, 200, 200]);
    const clientLimit = await chat(wide);
    expect(clientLimit.status).toBe(429);
    expect(clientLimit.body.error.message).toContain('Rate limit of 4 requests per minute reached');
  });

  it('answers 404 not_found for an unknown id and 422 naming the parameter for a malformed one, on every admin route taking an id', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const routes: Array<[string, (id: string) => request.Test, string]> = [
      ['get client', (id) => request(t.url).get(`/api/admin/clients/${id}`), 'id'],
      ['update client', (id) => request(t.url).patch(`/api/admin/clients/${id}`).send({ description: 'x' }), 'id'],
      ['delete client', (id) => request(t.url).delete(`/api/admin/clients/${id}`), 'id'],
      ['list keys', (id) => request(t.url).get(`/api/admin/clients/${id}/keys`), 'id'],
      ['create key', (id) => request(t.url).post(`/api/admin/clients/${id}/keys`).send({}), 'id'],
      ['rotate key', (id) => request(t.url).post(`/api/admin/keys/${id}/rotate`).send({}), 'id'],
      ['revoke key', (id) => request(t.url).delete(`/api/admin/keys/${id}`), 'id'],
      ['get log record', (id) => request(t.url).get(`/api/admin/logs/${id}`), 'request_id'],
    ];
    for (const [name, send, field] of routes) {
      const missing = await send(unknown).set(admin());
      expect({ name, status: missing.status, code: missing.body.error?.code }).toEqual({ name, status: 404, code: 'not_found' });
      const malformed = await send('not-an-id').set(admin());
      expect({ name, status: malformed.status, field: malformed.body.error?.details[0]?.field }).toEqual({ name, status: 422, field });
    }
  });

  it('never lets an API key open an admin route, nor the admin token a client route', async () => {
    const { key } = await newClient();
    const asBearer = await request(t.url).get('/api/admin/clients').set('Authorization', `Bearer ${key}`).expect(403);
    expect(asBearer.body.error.code).toBe('forbidden');
    await request(t.url).get('/api/admin/clients').set('X-API-Key', key).expect(401);
    const res = await request(t.url).get('/api/v1/me').set(admin()).expect(401);
    expect(res.body.error.code).toBe('invalid_api_key');
    await request(t.url).get('/api/admin/clients').expect(401);
  });

  it('exchanges the admin token for an httpOnly SameSite=Strict session cookie and ends it on DELETE', async () => {
    const res = await request(t.url).post('/api/admin/session').send({ token: t.adminToken }).expect(201);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^llmhub_session=[A-Za-z0-9_-]{20,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).not.toContain('Secure');
    const session = cookie.split(';')[0];
    await request(t.url).get('/api/admin/clients').set('Cookie', session).expect(200);
    const secure = await request(t.url).post('/api/admin/session').set('X-Forwarded-Proto', 'https').send({ token: t.adminToken }).expect(201);
    expect(String(secure.headers['set-cookie'])).toContain('Secure');
    await request(t.url).delete('/api/admin/session').set('Cookie', session).expect(204);
    await request(t.url).get('/api/admin/clients').set('Cookie', session).expect(401);
  });

  it('refuses a wrong admin token with 401 and slows down repeated attempts', async () => {
    for (let i = 0; i < 5; i++) await request(t.url).post('/api/admin/session').send({ token: 'wrong-token' }).expect(401);
    const started = Date.now();
    await request(t.url).post('/api/admin/session').send({ token: 'wrong-token' }).expect(401);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it('manages clients: 409 on a duplicate name, 404 on an unknown id, 422 naming a bad id, paged lists, spend on reads', async () => {
    const name = `dup-${Math.random().toString(36).slice(2)}`;
    const created = await request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name, monthly_budget_usd: '25.5', budget_alert_threshold: '0.8', allowed_models: ['openai/*'] })
      .expect(201);
    expect(created.body).toMatchObject({ name, monthly_budget_usd: '25.5', month_to_date_spend_usd: '0', budget_alert: 'none', remaining_budget_usd: '25.5' });
    expect((await request(t.url).post('/api/admin/clients').set(admin()).send({ name }).expect(409)).body.error.code).toBe('conflict');
    await request(t.url).get('/api/admin/clients/00000000-0000-4000-8000-000000000000').set(admin()).expect(404);
    const bad = await request(t.url).get('/api/admin/clients/not-a-uuid').set(admin()).expect(422);
    expect(bad.body.error.details[0].field).toBe('id');
    const invalid = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'x', rate_limit_rpm: 0 }).expect(422);
    expect(invalid.body.error.details.map((d: { field: string }) => d.field)).toContain('rate_limit_rpm');
    const page1 = await request(t.url).get('/api/admin/clients?limit=1').set(admin()).expect(200);
    expect(page1.body.items).toHaveLength(1);
    const page2 = await request(t.url).get(`/api/admin/clients?limit=1&cursor=${page1.body.next_cursor}`).set(admin()).expect(200);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    await request(t.url).delete(`/api/admin/clients/${created.body.id}`).set(admin()).expect(204);
    await request(t.url).get(`/api/admin/clients/${created.body.id}`).set(admin()).expect(404);
  });
});
