import { Logger } from '@nestjs/common';
import Decimal from 'decimal.js';
import { Client } from 'pg';
import request from 'supertest';
import { createApp } from '@src/app.factory';
import { PricingService } from '@src/llm/pricing/pricing.service';
import { startTestApp, TestApp } from '@test/support/app';
import { freePort } from '@test/support/net';
import { pollUntil } from '@test/support/poll';
import { ProviderSimulator, startProviderSimulator } from '@test/support/provider-simulator/server';

/** Provider settings and prices edited through the admin API, checked against real calls through the simulator. */
describe('admin: providers and prices (e2e)', () => {
  let sim: ProviderSimulator;
  let t: TestApp;
  let db: Client;
  let apiKey: string;
  const OPENAI_KEY = 'sk-console-0123456789-secretpart-abcd';
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    sim = await startProviderSimulator();
    t = await startTestApp({
      OPENAI_API_KEY: undefined,
      OPENAI_BASE_URL: undefined,
      ANTHROPIC_API_KEY: undefined,
      ANTHROPIC_BASE_URL: undefined,
      GROQ_API_KEY: undefined,
      GROQ_BASE_URL: undefined,
      CUSTOM_PROVIDERS: undefined,
      PRICE_OVERRIDES: undefined,
      MOCK_PROVIDER: 'on',
      PROVIDER_MAX_RETRIES: '0',
    });
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'providers-e2e' }).expect(201);
    apiKey = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await t?.close();
    await sim?.close();
  });

  beforeEach(() => sim.reset());

  async function providers(): Promise<Record<string, any>> {
    const res = await request(t.url).get('/api/admin/providers').set(admin()).expect(200);
    expect(res.body.next_cursor).toBeNull();
    return Object.fromEntries(res.body.items.map((p: any) => [p.name, p]));
  }

  async function chat(model: string, content = 'hello there world'): Promise<request.Response> {
    return request(t.url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${apiKey}`)
      .send({ model, messages: [{ role: 'user', content }], max_tokens: 4 });
  }

  async function configureOpenAi(): Promise<request.Response> {
    return request(t.url)
      .put('/api/admin/providers/openai')
      .set(admin())
      .send({ api_key: OPENAI_KEY, base_url: `${sim.url}/v1` })
      .expect(200);
  }

  it('lists the mock and the real providers with their configured flags, keys masked and circuits closed', async () => {
    const byName = await providers();
    expect(Object.keys(byName)).toEqual(expect.arrayContaining(['mock', 'openai', 'anthropic', 'groq']));
    expect(byName.mock).toMatchObject({ configured: true, enabled: true, circuit: 'closed' });
    for (const name of ['openai', 'anthropic', 'groq']) {
      expect(byName[name]).toMatchObject({ configured: false, api_key: null, api_key_source: null, circuit: 'closed' });
      expect(byName[name].models.length).toBeGreaterThan(0);
    }
  });

  it('refuses API keys and anonymous callers on every provider and price route', async () => {
    const routes: [string, string, object?][] = [
      ['get', '/api/admin/providers'],
      ['put', '/api/admin/providers/openai', { enabled: true }],
      ['post', '/api/admin/providers/mock/test'],
      ['get', '/api/admin/prices'],
      ['put', '/api/admin/prices', { prices: {} }],
    ];
    for (const [method, path, body] of routes) {
      const withKey = await (request(t.url) as any)[method](path).set('Authorization', `Bearer ${apiKey}`).send(body);
      expect({ path, status: [401, 403].includes(withKey.status) }).toEqual({ path, status: true });
      const anonymous = await (request(t.url) as any)[method](path).send(body);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
    }
  });

  it('a key and base URL saved in the console configure OpenAI, and a chat call goes through with that key', async () => {
    expect((await chat('openai/gpt-4o-mini')).status).toBe(400);
    const saved = await configureOpenAi();
    expect(saved.body).toMatchObject({
      name: 'openai',
      configured: true,
      enabled: true,
      api_key: 'sk-…abcd',
      api_key_source: 'console',
      base_url: `${sim.url}/v1`,
    });
    const res = await chat('openai/gpt-4o-mini');
    expect(res.status).toBe(200);
    expect(res.body.choices[0].message.content).toEqual(expect.any(String));
    expect(sim.requests.at(-1)).toMatchObject({ provider: 'openai', path: '/v1/chat/completions' });
    expect(sim.requests.at(-1)!.headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });

  it('never returns the full key, and stores only its ciphertext', async () => {
    const saved = await configureOpenAi();
    const listed = await request(t.url).get('/api/admin/providers').set(admin()).expect(200);
    for (const body of [saved.text, listed.text]) {
      expect(body).not.toContain(OPENAI_KEY);
      expect(body).not.toContain('secretpart');
    }
    expect(listed.body.items.find((p: any) => p.name === 'openai').api_key).toBe('sk-…abcd');

    const { rows: stored } = await db.query(`SELECT api_key_encrypted FROM providers WHERE name = 'openai'`);
    expect(stored[0].api_key_encrypted).toEqual(expect.any(String));
    const { rows: columns } = await db.query(
      `SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY')`,
    );
    for (const c of columns) {
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM "${c.table_name}" WHERE strpos("${c.column_name}"::text, $1) > 0`, ['secretpart']);
      expect({ column: `${c.table_name}.${c.column_name}`, n: rows[0].n }).toEqual({ column: `${c.table_name}.${c.column_name}`, n: 0 });
    }
  });

  it('validates the update: http(s) base URL, timeout range, key type, known provider', async () => {
    const bad = async (body: object, field: string) => {
      const res = await request(t.url).put('/api/admin/providers/openai').set(admin()).send(body).expect(422);
      expect(res.body.error.code).toBe('validation_error');
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    };
    await bad({ base_url: 'ftp://example.com' }, 'base_url');
    await bad({ base_url: 'not a url' }, 'base_url');
    await bad({ base_url: 'https://user:secretpart@proxy.example.com/v1' }, 'base_url');
    await bad({ base_url: 'javascript:alert(1)' }, 'base_url');
    await bad({ timeout_ms: 50 }, 'timeout_ms');
    await bad({ timeout_ms: 3_600_001 }, 'timeout_ms');
    await bad({ api_key: 42 }, 'api_key');
    // null would mean nothing: it neither enables nor disables
    await bad({ enabled: null }, 'enabled');
    await bad({ colour: 'blue' }, 'colour');
    const missing = await request(t.url).put('/api/admin/providers/nope').set(admin()).send({ enabled: true }).expect(404);
    expect(missing.body.error.code).toBe('not_found');
    await request(t.url).post('/api/admin/providers/nope/test').set(admin()).expect(404);
  });

  it('saves a timeout and disables/enables a provider', async () => {
    await configureOpenAi();
    const res = await request(t.url).put('/api/admin/providers/openai').set(admin()).send({ timeout_ms: 5000, enabled: false }).expect(200);
    expect(res.body).toMatchObject({ timeout_ms: 5000, enabled: false, configured: false });
    expect((await chat('openai/gpt-4o-mini')).status).toBe(400);
    const back = await request(t.url).put('/api/admin/providers/openai').set(admin()).send({ timeout_ms: null, enabled: true }).expect(200);
    expect(back.body).toMatchObject({ timeout_ms: 60000, enabled: true, configured: true });
  });

  it('the test call reports ok against the simulator with its cheapest chat model, billed to no client', async () => {
    await configureOpenAi();
    const before = (await db.query('SELECT count(*)::int AS n FROM llm_generation_log')).rows[0].n;
    const res = await request(t.url).post('/api/admin/providers/openai/test').set(admin()).expect(200);
    expect(res.body).toEqual({ ok: true, latency_ms: expect.any(Number), model: 'openai/gpt-4.1-nano' });
    expect(sim.requests).toHaveLength(1);
    expect(sim.requests[0].body).toMatchObject({ model: 'gpt-4.1-nano', max_tokens: 1 });
    // a client call after the test call is recorded; once its row is in, the count shows the test call added none
    const marker = await chat('openai/gpt-4o-mini');
    expect(marker.status).toBe(200);
    const markerId = marker.headers['x-request-id'];
    await pollUntil(
      async () => (await db.query('SELECT 1 FROM llm_generation_log WHERE id = $1', [markerId])).rowCount,
      (n) => n === 1,
    );
    expect((await db.query('SELECT count(*)::int AS n FROM llm_generation_log')).rows[0].n).toBe(before + 1);
  });

  it('the test call answers a clean error for an unreachable or unconfigured provider', async () => {
    const port = await freePort();
    await request(t.url)
      .put('/api/admin/providers/groq')
      .set(admin())
      .send({ api_key: 'gsk-test-123456789', base_url: `http://127.0.0.1:${port}` })
      .expect(200);
    const down = await request(t.url).post('/api/admin/providers/groq/test').set(admin()).expect(200);
    expect(down.body).toMatchObject({ ok: false, model: expect.stringMatching(/^groq\//), error: { code: 'connection' } });
    // the operator's console names what failed and where; a client's error would name neither address
    expect(down.body.error.message).toBe(`Could not reach the provider: Connection error (ECONNREFUSED). Base URL tried: http://127.0.0.1:${port}`);
    const unconfigured = await request(t.url).post('/api/admin/providers/anthropic/test').set(admin()).expect(200);
    expect(unconfigured.body).toMatchObject({ ok: false, error: { code: 'not_configured' } });
  });

  it('the test call says to check the base URL when the provider answers 404 there (an OpenAI base URL without its /v1)', async () => {
    await request(t.url).put('/api/admin/providers/openai').set(admin()).send({ api_key: OPENAI_KEY, base_url: sim.url }).expect(200);
    const res = await request(t.url).post('/api/admin/providers/openai/test').set(admin()).expect(200);
    expect(res.body).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(res.body.error.message).toContain(`Check the base URL (${sim.url})`);
    expect(res.body.error.message).toContain('https://api.openai.com/v1');
    // the same provider with its /v1 answers, and no hint is given where nothing is wrong with the URL
    await configureOpenAi();
    expect((await request(t.url).post('/api/admin/providers/openai/test').set(admin()).expect(200)).body).toMatchObject({ ok: true });
  });

  it.each([[''], [null]])('an api_key of %j removes the console key', async (apiKey) => {
    await configureOpenAi();
    const res = await request(t.url).put('/api/admin/providers/openai').set(admin()).send({ api_key: apiKey }).expect(200);
    expect(res.body).toMatchObject({ configured: false, api_key: null, api_key_source: null });
    const { rows } = await db.query(`SELECT api_key_encrypted FROM providers WHERE name = 'openai'`);
    expect(rows[0].api_key_encrypted).toBeNull();
  });

  describe('prices', () => {
    const MODEL = 'openai/gpt-4o-mini';
    const priceOf = async (model: string) =>
      (await request(t.url).get('/api/admin/prices').set(admin()).expect(200)).body.items.find((p: any) => p.model === model);

    it('lists the shipped table as decimal strings', async () => {
      const res = await request(t.url).get('/api/admin/prices').set(admin()).expect(200);
      expect(res.body.next_cursor).toBeNull();
      expect(res.body.items.find((p: any) => p.model === MODEL)).toEqual({
        model: MODEL,
        input_per_m: '0.15',
        output_per_m: '0.60',
        cached_input_per_m: '0.075',
        cache_write_per_m: null,
        cache_write_1h_per_m: null,
        source: 'builtin',
      });
    });

    it('lists the 1-hour cache-write rate of Anthropic models, twice the input rate', async () => {
      expect(await priceOf('anthropic/claude-sonnet-4-5')).toEqual({
        model: 'anthropic/claude-sonnet-4-5',
        input_per_m: '3.00',
        output_per_m: '15.00',
        cached_input_per_m: '0.30',
        cache_write_per_m: '3.75',
        cache_write_1h_per_m: '6.00',
        source: 'builtin',
      });
    });

    it('stores a console 1-hour cache-write rate and bills 1-hour writes with it', async () => {
      const model = 'anthropic/claude-haiku-4-5';
      const written1h = { inputTokens: 1_000, cacheWriteTokens: 1_000, cacheWrite1hTokens: 1_000, outputTokens: 0 };
      await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { [model]: { input_per_m: '1', output_per_m: '5', cache_write_per_m: '1.25', cache_write_1h_per_m: '2.5' } } })
        .expect(200);
      expect(await priceOf(model)).toMatchObject({ cache_write_per_m: '1.25', cache_write_1h_per_m: '2.5', source: 'console' });
      const { rows } = await db.query(`SELECT cache_write_1h_per_m FROM model_prices WHERE model = $1`, [model]);
      expect(rows).toEqual([{ cache_write_1h_per_m: '2.500000' }]);
      expect(t.app.get(PricingService).costUsd(model, written1h)).toBe('0.0025');

      // without it, a 1-hour write on an anthropic/ model falls back to 2× input, never to the cheaper 5-minute rate
      await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { [model]: { input_per_m: '1', output_per_m: '5', cache_write_per_m: '1.25' } } })
        .expect(200);
      expect(await priceOf(model)).toMatchObject({ cache_write_1h_per_m: null, source: 'console' });
      expect(t.app.get(PricingService).costUsd(model, written1h)).toBe('0.002');
      await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { [model]: null } })
        .expect(200);
      expect(t.app.get(PricingService).costUsd(model, written1h)).toBe('0.002');
    });

    it('a console price prices the next call, leaves earlier records alone, and resets with null', async () => {
      await configureOpenAi();
      const first = await chat(MODEL);
      expect(first.status).toBe(200);
      const firstCost = first.headers['x-llmhub-cost-usd'];

      const put = await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { [MODEL]: { input_per_m: '1000', output_per_m: 2000.5 } } })
        .expect(200);
      expect(put.body.items.find((p: any) => p.model === MODEL)).toEqual({
        model: MODEL,
        input_per_m: '1000',
        output_per_m: '2000.5',
        cached_input_per_m: null,
        cache_write_per_m: null,
        cache_write_1h_per_m: null,
        source: 'console',
      });

      const next = await chat(MODEL);
      expect(next.status).toBe(200);
      const usage = sim.requests.at(-1)!.usage!;
      const expected = new Decimal(usage.input_tokens).mul('1000').plus(new Decimal(usage.output_tokens).mul('2000.5')).div(1_000_000).toFixed();
      expect(next.headers['x-llmhub-cost-usd']).toBe(expected);
      const firstRow = await db.query('SELECT cost_usd FROM llm_generation_log WHERE id = $1', [first.headers['x-request-id']]);
      expect(new Decimal(firstRow.rows[0].cost_usd).toFixed()).toBe(firstCost);

      await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { [MODEL]: null } })
        .expect(200);
      expect(await priceOf(MODEL)).toMatchObject({ input_per_m: '0.15', source: 'builtin' });
      expect((await db.query('SELECT count(*)::int AS n FROM model_prices')).rows[0].n).toBe(0);
    });

    it('prices a model the shipped table does not know, stored as a model_prices row', async () => {
      await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { 'mock/echo': { input_per_m: '3', output_per_m: '4', cache_write_per_m: '3.75' } } })
        .expect(200);
      expect(await priceOf('mock/echo')).toMatchObject({ input_per_m: '3', output_per_m: '4', cache_write_per_m: '3.75', source: 'console' });
      const { rows } = await db.query(`SELECT input_per_m, output_per_m FROM model_prices WHERE model = 'mock/echo'`);
      expect(rows).toEqual([{ input_per_m: '3.000000', output_per_m: '4.000000' }]);
      const call = await chat('mock/echo');
      expect(call.status).toBe(200);
      expect(call.headers['x-llmhub-cost-usd']).toEqual(expect.stringMatching(/^\d+\.\d+$/));
      await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { 'mock/echo': null } })
        .expect(200);
    });

    it('refuses invalid prices with 422 naming the model and field, and changes nothing', async () => {
      const bad = async (prices: object, field: string) => {
        const res = await request(t.url).put('/api/admin/prices').set(admin()).send({ prices }).expect(422);
        expect(res.body.error.code).toBe('validation_error');
        expect(res.body.error.details[0].field).toBe(field);
        return res.body.error;
      };
      const negative = await bad({ [MODEL]: { input_per_m: '-1', output_per_m: '1' } }, `prices.${MODEL}.input_per_m`);
      expect(negative.message).toContain(MODEL);
      expect(negative.message).toContain('input_per_m');
      await bad({ [MODEL]: { input_per_m: '1' } }, `prices.${MODEL}.output_per_m`);
      await bad({ [MODEL]: { input_per_m: '1', output_per_m: 'ten' } }, `prices.${MODEL}.output_per_m`);
      await bad({ [MODEL]: { input_per_m: '1', output_per_m: '1', cached_input_per_m: '0.0000001' } }, `prices.${MODEL}.cached_input_per_m`);
      await bad({ [MODEL]: { input_per_m: '1', output_per_m: '1', cache_write_1h_per_m: '-2' } }, `prices.${MODEL}.cache_write_1h_per_m`);
      await bad({ [MODEL]: { input_per_m: '1', output_per_m: '1', colour: '1' } }, `prices.${MODEL}.colour`);
      await bad({ 'gpt-4o': { input_per_m: '1', output_per_m: '1' } }, 'prices.gpt-4o');
      await bad({ 'nowhere/model': { input_per_m: '1', output_per_m: '1' } }, 'prices.nowhere/model');
      // all or nothing: a valid entry next to an invalid one is not saved
      await bad({ 'openai/gpt-4o': { input_per_m: '9', output_per_m: '9' }, [MODEL]: { input_per_m: 'x', output_per_m: '1' } }, `prices.${MODEL}.input_per_m`);
      expect(await priceOf('openai/gpt-4o')).toMatchObject({ source: 'builtin' });
      const notObject = await request(t.url).put('/api/admin/prices').set(admin()).send({ prices: 'cheap' }).expect(422);
      expect(notObject.body.error.details[0].field).toBe('prices');
    });

    it('refuses an update of more than 1,000 models, or a key longer than 200 characters, naming the limit, and saves nothing', async () => {
      const many = Object.fromEntries(Array.from({ length: 1_001 }, (_, i) => [`openai/bulk-${i}`, { input_per_m: '1', output_per_m: '1' }]));
      const tooMany = await request(t.url).put('/api/admin/prices').set(admin()).send({ prices: many }).expect(422);
      expect(tooMany.body.error.details).toEqual([{ field: 'prices', message: expect.stringContaining('at most 1000 models per request, got 1001') }]);
      const long = `openai/${'m'.repeat(200)}`;
      const tooLong = await request(t.url)
        .put('/api/admin/prices')
        .set(admin())
        .send({ prices: { [long]: { input_per_m: '1', output_per_m: '1' } } })
        .expect(422);
      expect(tooLong.body.error.details[0]).toEqual({ field: `prices.${long}`, message: expect.stringContaining('longer than 200 characters') });
      expect(await priceOf('openai/bulk-0')).toBeUndefined();

      // a thousand is one request's worth
      const thousand = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`openai/bulk-${i}`, { input_per_m: '1', output_per_m: '2' }]));
      await request(t.url).put('/api/admin/prices').set(admin()).send({ prices: thousand }).expect(200);
      expect(await priceOf('openai/bulk-999')).toMatchObject({ source: 'console' });
      const reset = Object.fromEntries(Object.keys(thousand).map((model) => [model, null]));
      await request(t.url).put('/api/admin/prices').set(admin()).send({ prices: reset }).expect(200);
    });
  });

  it('a wrong LLMHUB_SECRET at restart leaves the console key unusable, logged, without crashing', async () => {
    await configureOpenAi();
    const errors = jest.spyOn(Logger.prototype, 'error');
    const previous = process.env.LLMHUB_SECRET;
    process.env.LLMHUB_SECRET = 'another-secret-0123456789abcdef0123456789';
    const second = await createApp();
    try {
      await second.listen(0, '127.0.0.1');
      const address = second.getHttpServer().address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const res = await request(url).get('/api/admin/providers').set(admin()).expect(200);
      expect(res.body.items.find((p: any) => p.name === 'openai')).toMatchObject({ configured: false, api_key: null });
      expect(errors.mock.calls.some(([message]) => /openai.*cannot be decrypted/.test(String(message)))).toBe(true);
    } finally {
      process.env.LLMHUB_SECRET = previous;
      errors.mockRestore();
      await second.close();
    }
  });
});
