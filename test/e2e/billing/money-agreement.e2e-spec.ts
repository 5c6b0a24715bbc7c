import Anthropic from '@anthropic-ai/sdk';
import Decimal from 'decimal.js';
import OpenAI from 'openai';
import request from 'supertest';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { waitUntil } from '@test/support/poll';

type Json = Record<string, any>;

/** Prices with the most decimals a price may have, so a single token costs less than the 10 decimals a cost is recorded at. */
const PRICES = {
  'openai/gpt-4o-mini': { input_per_m: '0.000001', output_per_m: '0.123457', cached_input_per_m: '0.000003' },
  'anthropic/claude-haiku-4-5': {
    input_per_m: '1.000001',
    output_per_m: '5.333333',
    cached_input_per_m: '0.100001',
    cache_write_per_m: '1.250007',
    cache_write_1h_per_m: '2.000003',
  },
  'groq/llama-3.1-8b-instant': { input_per_m: '0.777777', output_per_m: '0.999999' },
  'mock/echo': { input_per_m: '0', output_per_m: '0' },
};

const sum = (values: readonly (string | null)[]) => values.reduce((s, v) => s.plus(v ?? 0), new Decimal(0)).toFixed();

/**
 * The same calls, made through the real SDKs (streamed and not, cached, a fallback, a failure, a
 * cancelled stream, a free model), show the same money on every surface: the response, the log
 * (list and detail), the usage report at every granularity and grouping, the CSV export, the
 * client's summary and the admin view of it, the dashboard and /metrics.
 */
describe('money agrees on every surface (e2e)', () => {
  let g: GatewayFixture;
  let client: { id: string; key: string };
  /** the cost each answered call said it cost, by request id */
  const answered = new Map<string, string>();
  const admin = (r: request.Test) => r.set('Authorization', `Bearer ${g.app.adminToken}`);

  beforeAll(async () => {
    g = await startGatewayFixture({ clientName: 'money-fixture', env: () => ({ PROVIDER_MAX_RETRIES: '0' }) });
    await admin(request(g.app.url).put('/api/admin/prices')).send({ prices: PRICES }).expect(200);
    client = await g.newClient({ name: 'money', monthly_budget_usd: '5', fallback_models: ['groq/llama-3.1-8b-instant'] });
    const openai = new OpenAI({ baseURL: `${g.app.url}/v1`, apiKey: client.key, maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: g.app.url, apiKey: client.key, maxRetries: 0 });
    const keep = (response: Response, costInBody: unknown) => {
      const cost = response.headers.get('x-llmhub-cost-usd');
      expect(costInBody).toBe(cost);
      answered.set(response.headers.get('x-request-id')!, cost!);
    };

    for (let i = 1; i <= 3; i++) {
      const { data, response } = await openai.chat.completions
        .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: `hi [[sim:output_tokens=${i}]]` }] })
        .withResponse();
      keep(response, (data.usage as Json).cost_usd);
    }
    const { data: stream, response: streamed } = await openai.chat.completions
      .create({
        model: 'openai/gpt-4o-mini',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'stream [[sim:output_tokens=4]]' }],
      })
      .withResponse();
    let streamedCost: unknown;
    for await (const chunk of stream) if (chunk.usage) streamedCost = (chunk.usage as Json).cost_usd;
    answered.set(streamed.headers.get('x-request-id')!, streamedCost as string);

    // the first writes the cache for an hour, the second reads it
    for (let i = 0; i < 2; i++) {
      const { data, response } = await anthropic.messages
        .create({
          model: 'anthropic/claude-haiku-4-5',
          max_tokens: 50,
          system: [{ type: 'text', text: 'a long system prompt '.repeat(200), cache_control: { type: 'ephemeral', ttl: '1h' } }],
          messages: [{ role: 'user', content: 'hello [[sim:output_tokens=3]]' }],
        })
        .withResponse();
      keep(response, (data.usage as unknown as Json).cost_usd);
    }
    const fallback = await openai.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'fall back [[sim:fail_first=1;id=money-fallback;output_tokens=7]]' }] })
      .withResponse();
    keep(fallback.response, (fallback.data.usage as Json).cost_usd);
    const free = await openai.chat.completions.create({ model: 'mock/echo', messages: [{ role: 'user', content: 'free' }] }).withResponse();
    keep(free.response, (free.data.usage as Json).cost_usd);
    await expect(
      openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'no [[sim:fault=404]]' }] }),
    ).rejects.toThrow();

    const abort = new AbortController();
    const slow = await openai.chat.completions.create(
      {
        model: 'openai/gpt-4o-mini',
        stream: true,
        messages: [{ role: 'user', content: 'slow [[sim:output_tokens=40;chunks=40;chunk_delay_ms=50]]' }],
      },
      { signal: abort.signal },
    );
    let chunks = 0;
    // the SDK ends the stream (or throws, by version) once aborted: either way the call is cancelled
    await (async () => {
      for await (const _chunk of slow) if (++chunks === 3) abort.abort();
    })().catch(() => undefined);
    await waitUntil(async () => (await logs()).some((item) => item.status === 'cancelled'), 'the cancelled call is recorded');
  }, 60_000);

  afterAll(() => g?.close());

  async function logs(): Promise<Json[]> {
    const res = await admin(request(g.app.url).get('/api/admin/logs').query({ client_id: client.id })).expect(200);
    return res.body.items;
  }

  it('records each answered call at the cost its response said, in the list and the detail', async () => {
    const items = await logs();
    expect(items).toHaveLength(answered.size + 2);
    for (const [id, cost] of answered) {
      expect({ id, cost: items.find((item) => item.request_id === id)?.cost_usd }).toEqual({ id, cost });
      const detail = await admin(request(g.app.url).get(`/api/admin/logs/${id}`)).expect(200);
      expect({ id, cost: detail.body.cost_usd }).toEqual({ id, cost });
    }
    // to the 10 decimals a cost is recorded at: 1 × 0.000001 + 1 × 0.123457 per 1M tokens is 0.000000123458
    expect([...answered.values()]).toContain('0.0000001235');
    // the fallback is charged at the price of the model that answered
    expect(items.find((item) => item.requested_model === 'openai/gpt-4o-mini')).toMatchObject({ provider: 'groq', model: 'llama-3.1-8b-instant' });
    expect(items.find((item) => item.status === 'error')).toMatchObject({ cost_usd: '0' });
  });

  it('reports the sum of the records at every granularity and grouping, and the CSV says the same', async () => {
    const items = await logs();
    const total = sum(items.map((item) => item.cost_usd));
    for (const granularity of ['hour', 'day', 'month']) {
      for (const groupBy of [undefined, 'client', 'provider', 'model', 'template']) {
        const query = { client_id: client.id, granularity, ...(groupBy && { group_by: groupBy }) };
        const report = await admin(request(g.app.url).get('/api/admin/billing/usage').query(query)).expect(200);
        const where = { granularity, groupBy };
        expect({ ...where, total: report.body.totals.cost_usd, items: sum(report.body.items.map((i: Json) => i.cost_usd)) }).toEqual({
          ...where,
          total,
          items: total,
        });
        expect({ ...where, requests: report.body.totals.requests }).toEqual({ ...where, requests: items.length });
        const csv = await admin(request(g.app.url).get('/api/admin/billing/export.csv').query(query)).expect(200);
        const [header, ...rows] = csv.text
          .trim()
          .split('\r\n')
          .map((line) => line.split(','));
        expect({ ...where, csv: sum(rows.map((row) => row[header.indexOf('cost_usd')])) }).toEqual({ ...where, csv: total });
      }
    }
    const own = await request(g.app.url).get('/api/v1/billing/usage').set('X-API-Key', client.key).query({ granularity: 'hour' }).expect(200);
    expect(own.body.totals.cost_usd).toBe(total);
  });

  it('shows the same spend to the client, in the admin API, on the dashboard and in /metrics', async () => {
    const items = await logs();
    const total = sum(items.map((item) => item.cost_usd));
    // (a run across midnight UTC splits the calls between two days, or two months)
    const since = (prefix: string) => sum(items.filter((item) => item.created_at.startsWith(prefix)).map((item) => item.cost_usd));
    const summary = await request(g.app.url).get('/api/v1/billing/summary').set('X-API-Key', client.key).expect(200);
    const thisMonth = since(summary.body.period_start.slice(0, 7));
    expect(summary.body).toMatchObject({ month_to_date_cost_usd: thisMonth, budget_usd: '5', remaining_usd: new Decimal(5).minus(thisMonth).toFixed() });
    const view = await admin(request(g.app.url).get(`/api/admin/clients/${client.id}`)).expect(200);
    expect(view.body).toMatchObject({ month_to_date_spend_usd: thisMonth, remaining_budget_usd: summary.body.remaining_usd });
    // a budget of 12 digits less a spend to the 10th decimal needs more than decimal.js's default 20 significant digits
    const large = await admin(request(g.app.url).patch(`/api/admin/clients/${client.id}`).send({ monthly_budget_usd: '999999999999' })).expect(200);
    const largeRemaining = new (Decimal.clone({ precision: 100 }))('999999999999').minus(thisMonth).toFixed();
    expect(largeRemaining.replace('.', '').length).toBeGreaterThan(20);
    expect(large.body.remaining_budget_usd).toBe(largeRemaining);
    const largeSummary = await request(g.app.url).get('/api/v1/billing/summary').set('X-API-Key', client.key).expect(200);
    expect(largeSummary.body.remaining_usd).toBe(largeRemaining);
    await admin(request(g.app.url).patch(`/api/admin/clients/${client.id}`).send({ monthly_budget_usd: '5' })).expect(200);
    const dashboard = await admin(request(g.app.url).get('/api/admin/dashboard')).expect(200);
    // the fixture's own client made no call: every dollar on the dashboard is this client's
    // the dashboard's day and month are those of its own read, which may come after the summary's
    const dashboardMonth = since(dashboard.body.generated_at.slice(0, 7));
    expect(dashboard.body.today.cost_usd).toBe(since(dashboard.body.generated_at.slice(0, 10)));
    expect(dashboard.body.month_to_date.cost_usd).toBe(dashboardMonth);
    expect(dashboard.body.top_clients).toEqual([expect.objectContaining({ client_id: client.id, cost_usd: dashboardMonth })]);
    expect(sum(dashboard.body.last_24_hours.map((h: Json) => h.cost_usd))).toBe(total);
    const metrics = await request(g.app.url).get('/metrics').expect(200);
    const series = metrics.text.split('\n').filter((line) => line.startsWith('llmhub_cost_usd_total{'));
    const byModel = await admin(request(g.app.url).get('/api/admin/billing/usage').query({ client_id: client.id, group_by: 'model' })).expect(200);
    for (const item of byModel.body.items as Json[]) {
      if (item.cost_usd === '0') continue;
      const line = series.find((s) => s.includes(`provider="${item.provider}",model="${item.model}"`));
      expect({ model: item.model, metric: line?.split(' ')[1] }).toEqual({ model: item.model, metric: String(Number(item.cost_usd)) });
    }
  });

  it('refuses a price so dear that one call could cost more than its record holds, naming the field', async () => {
    const res = await admin(request(g.app.url).put('/api/admin/prices'))
      .send({ prices: { 'openai/gpt-4o-mini': { input_per_m: '1', output_per_m: '999999999999' } } })
      .expect(422);
    expect(res.body.error.details[0]).toEqual({ field: 'prices.openai/gpt-4o-mini.output_per_m', message: expect.stringContaining('must be at most 1000000') });
    const prices = await admin(request(g.app.url).get('/api/admin/prices')).expect(200);
    expect(prices.body.items.find((p: Json) => p.model === 'openai/gpt-4o-mini')).toMatchObject({ output_per_m: '0.123457' });
  });
});
