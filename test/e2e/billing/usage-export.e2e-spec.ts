import OpenAI from 'openai';
import request from 'supertest';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

type Item = Record<string, string | number | null | undefined>;

/**
 * The CSV export and the JSON usage report take the same parameters and give
 * the same rows, figure for figure, for every grouping.
 */
describe('usage report and CSV export agree', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'marketing' });
    t = gateway.app;
    const calls: [string, string, number][] = [
      ['marketing', 'openai/gpt-4o-mini', 3],
      ['marketing', 'anthropic/claude-haiku-4-5', 2],
      ['sales', 'openai/gpt-4o', 2],
      ['sales', 'mock/echo', 1],
    ];
    const keys = { marketing: gateway.apiKey, sales: (await gateway.newClient({ name: 'sales' })).key };
    for (const [client, model, n] of calls) {
      const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: keys[client as keyof typeof keys], maxRetries: 0 });
      for (let i = 0; i < n; i++) {
        await openai.chat.completions.create({ model, messages: [{ role: 'user', content: `write ${i} words about spring` }], max_tokens: 5 + i * 7 });
      }
    }
  }, 60_000);

  afterAll(() => gateway?.close());

  function parseCsv(text: string): { header: string[]; rows: string[][] } {
    const lines = text.trim().split('\r\n');
    return { header: lines[0].split(','), rows: lines.slice(1).map((l) => l.split(',')) };
  }

  const from = new Date(Date.now() - 86_400_000).toISOString();
  const to = new Date(Date.now() + 3_600_000).toISOString();

  it.each([undefined, 'client', 'provider', 'model', 'template'])('group_by=%s: the same rows, costs identical', async (groupBy) => {
    for (const granularity of ['hour', 'day']) {
      const query = { from, to, granularity, ...(groupBy ? { group_by: groupBy } : {}) };
      const report = await request(t.url).get('/api/admin/billing/usage').query(query).set(admin()).expect(200);
      const csv = await request(t.url).get('/api/admin/billing/export.csv').query(query).set(admin()).expect(200);
      const { header, rows } = parseCsv(csv.text);
      const items = report.body.items as Item[];
      expect(items.length).toBeGreaterThan(0);
      const asCsv = items.map((item) => header.map((column) => (item[column] === null || item[column] === undefined ? '' : String(item[column]))));
      expect(rows).toEqual(asCsv);
      // the grouping shows in the rows: one per group value, with the report's exact costs
      expect(rows.map((r) => r[header.indexOf('cost_usd')])).toEqual(items.map((i) => i.cost_usd));
    }
  });

  it('groups the export by model with the calls made, and the figures sum to the report totals', async () => {
    const query = { from, to, granularity: 'day', group_by: 'model' };
    const report = await request(t.url).get('/api/admin/billing/usage').query(query).set(admin()).expect(200);
    const csv = await request(t.url).get('/api/admin/billing/export.csv').query(query).set(admin()).expect(200);
    const { header, rows } = parseCsv(csv.text);
    const byModel = new Map(rows.map((r) => [r[header.indexOf('model')], Number(r[header.indexOf('requests')])]));
    expect(Object.fromEntries(byModel)).toEqual({ 'gpt-4o-mini': 3, 'claude-haiku-4-5': 2, 'gpt-4o': 2, echo: 1 });
    expect(report.body.totals.requests).toBe(8);
    expect(Number(report.body.totals.cost_usd)).toBeGreaterThan(0);
  });

  it('writes a client name a spreadsheet would run as a formula as quoted text with a leading quote', async () => {
    const name = '=HYPERLINK("http://evil.example","click"),x';
    const hostile = await gateway.newClient({ name });
    const openai = new OpenAI({ baseURL: `${t.url}/v1`, apiKey: hostile.key, maxRetries: 0 });
    await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });
    const query = { from, to, granularity: 'day', group_by: 'client', client_id: hostile.id };
    const csv = await request(t.url).get('/api/admin/billing/export.csv').query(query).set(admin()).expect(200);
    const line = csv.text.trim().split('\r\n')[1];
    expect(line).toContain(`,${hostile.id},"'=HYPERLINK(""http://evil.example"",""click""),x",`);
    // the JSON report keeps the name as it is
    const report = await request(t.url).get('/api/admin/billing/usage').query(query).set(admin()).expect(200);
    expect(report.body.items[0].client_name).toBe(name);
  });

  it('refuses the same bad parameters the same way', async () => {
    const query = { group_by: 'colour' };
    const report = await request(t.url).get('/api/admin/billing/usage').query(query).set(admin()).expect(422);
    const csv = await request(t.url).get('/api/admin/billing/export.csv').query(query).set(admin()).expect(422);
    expect(csv.body.error).toEqual(report.body.error);
  });
});
