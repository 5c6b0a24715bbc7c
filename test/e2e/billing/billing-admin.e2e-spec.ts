import request from 'supertest';
import { startTestApp, TestApp } from '../../support/app';

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
  });

  it('answers 404 not_found for an unknown request id', async () => {
    const res = await request(t.url)
      .get('/api/admin/logs/00000000-0000-4000-8000-000000000000')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .expect(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('streams the CSV export as an attachment with a header row', async () => {
    const res = await request(t.url).get('/api/admin/billing/export.csv').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment/);
    expect(res.text.split('\r\n')[0]).toMatch(/^bucket,client_id/);
  });

  it('rejects an hour report over more than 31 days naming the field', async () => {
    const res = await request(t.url)
      .get('/api/admin/billing/usage?granularity=hour&from=2025-01-01&to=2025-03-01')
      .set('Authorization', `Bearer ${t.adminToken}`)
      .expect(422);
    expect(res.body.error.details[0].field).toBe('granularity');
  });
});
