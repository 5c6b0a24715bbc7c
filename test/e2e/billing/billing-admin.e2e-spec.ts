import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

describe('billing HTTP routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });

  afterAll(async () => {
    await t?.close();
  });

  it('serves Prometheus metrics publicly, including the recorder gauges', async () => {
    const res = await request(t.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.text).toContain('llmhub_usage_queue_depth');
    expect(res.text).toContain('llmhub_usage_spool_bytes');
  });

  it('answers the dashboard with 30 days of cost per day', async () => {
    const res = await request(t.url).get('/api/admin/dashboard').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    expect(res.body.cost_per_day).toHaveLength(30);
    expect(res.body.month_to_date.cost_usd).toBe('0');
    expect(res.body.month_end_forecast_usd).toBe('0');
  });

  it('counts a call in the current hour of the 24-hour series, with its latency percentiles', async () => {
    const admin = (r: request.Test) => r.set('Authorization', `Bearer ${t.adminToken}`);
    const client = await admin(request(t.url).post('/api/admin/clients')).send({ name: 'dashboard-series' }).expect(201);
    const key = await admin(request(t.url).post(`/api/admin/clients/${client.body.id}/keys`))
      .send({})
      .expect(201);
    const hourOf = (ms: number) => new Date(ms - (ms % 3_600_000)).toISOString();
    const calledFrom = hourOf(Date.now());
    await request(t.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${key.body.key}`)
      .send({ model: 'mock/echo', messages: [{ role: 'user', content: 'hello' }] })
      .expect(200);
    const calledTo = hourOf(Date.now());
    const res = await admin(request(t.url).get('/api/admin/dashboard')).expect(200);
    const hours: { hour: string; requests: number }[] = res.body.last_24_hours;
    expect(hours).toHaveLength(24);
    // the last hour is the dashboard's own; a call made as the hour turned is in the one before
    expect(hours[23].hour).toBe(hourOf(Date.parse(res.body.generated_at)));
    const counted = hours.filter((h) => h.requests > 0);
    expect(counted).toHaveLength(1);
    expect([calledFrom, calledTo]).toContain(counted[0].hour);
    expect(counted[0]).toMatchObject({ requests: 1, errors: 0, error_rate: 0, latency_ms_p50: expect.any(Number) });
  });

  it('filters the log, the usage report and the CSV by a model named provider/model, as the API names models', async () => {
    const admin = (r: request.Test) => r.set('Authorization', `Bearer ${t.adminToken}`);
    const client = await admin(request(t.url).post('/api/admin/clients')).send({ name: 'model-filter' }).expect(201);
    const key = await admin(request(t.url).post(`/api/admin/clients/${client.body.id}/keys`))
      .send({})
      .expect(201);
    await request(t.url).post('/api/v1/llm/generate').set('X-API-Key', key.body.key).send({ model: 'mock/echo', prompt: 'filter me' }).expect(200);
    const mine = `client_id=${client.body.id}`;
    for (const model of ['mock/echo', 'echo', 'MOCK/echo']) {
      const logs = await admin(request(t.url).get(`/api/admin/logs?${mine}&model=${encodeURIComponent(model)}`)).expect(200);
      expect({ model, found: logs.body.items.map((i: { provider: string; model: string }) => `${i.provider}/${i.model}`) }).toEqual({
        model,
        found: ['mock/echo'],
      });
      const usage = await admin(request(t.url).get(`/api/admin/billing/usage?${mine}&granularity=day&model=${encodeURIComponent(model)}`)).expect(200);
      expect({ model, requests: usage.body.totals.requests }).toEqual({ model, requests: 1 });
    }
    const csv = await admin(request(t.url).get(`/api/admin/billing/export.csv?${mine}&granularity=day&model=mock%2Fecho`)).expect(200);
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
    for (const other of ['openai/echo', 'mock/echo2']) {
      const logs = await admin(request(t.url).get(`/api/admin/logs?${mine}&model=${encodeURIComponent(other)}`)).expect(200);
      expect({ other, items: logs.body.items }).toEqual({ other, items: [] });
    }
  });

  it('answers 404 not_found for an unknown request id', async () => {
    const res = await request(t.url).get('/api/admin/logs/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${t.adminToken}`).expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('answers 422 naming cursor, never a 500, for a log cursor whose time was tampered with', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    for (const key of ['2026-garbage', '2026-99-99 04:39:59.5+00', '1', '-2026-12-02']) {
      const cursor = Buffer.from(JSON.stringify([key, id])).toString('base64url');
      const res = await request(t.url).get(`/api/admin/logs?cursor=${cursor}`).set('Authorization', `Bearer ${t.adminToken}`);
      expect({ key, status: res.status, field: res.body.error?.details?.[0]?.field }).toEqual({ key, status: 422, field: 'cursor' });
    }
  });

  it('streams the CSV export as an attachment with a header row', async () => {
    const res = await request(t.url).get('/api/admin/billing/export.csv').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
    expect(res.text.split('\r\n')[0]).toMatch(/^bucket,client_id/);
  });

  it('names the CSV file after the range its whole buckets cover, the from and to the JSON report answers', async () => {
    const query = { from: '2025-11-02T10:30:00Z', to: '2025-11-03T10:15:00Z' };
    for (const [granularity, covered] of [
      ['hour', '2025-11-02T10-00Z_2025-11-03T11-00Z'],
      ['day', '2025-11-02T00-00Z_2025-11-04T00-00Z'],
      ['month', '2025-11-01T00-00Z_2025-12-01T00-00Z'],
    ]) {
      const report = await request(t.url)
        .get('/api/admin/billing/usage')
        .query({ ...query, granularity })
        .set('Authorization', `Bearer ${t.adminToken}`)
        .expect(200);
      const csv = await request(t.url)
        .get('/api/admin/billing/export.csv')
        .query({ ...query, granularity })
        .set('Authorization', `Bearer ${t.adminToken}`)
        .expect(200);
      expect(csv.headers['content-disposition']).toBe(`attachment; filename="llmhub-usage-${covered}.csv"`);
      const [from, to] = covered.split('_').map((stamp) => stamp.replace(/T(\d\d)-(\d\d)Z/, 'T$1:$2:00.000Z'));
      expect({ from: report.body.from, to: report.body.to }).toEqual({ from, to });
    }
  });

  it('rejects an hour report over more than 31 days naming the field', async () => {
    const res = await request(t.url)
      .get('/api/admin/billing/usage?granularity=hour&from=2025-01-01&to=2025-03-01')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .expect(422);
    expect(res.body.error.details[0].field).toBe('granularity');
  });
});
