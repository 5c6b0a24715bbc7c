import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * Every money field takes a decimal string or a JSON number, converted exactly
 * from its decimal text, refuses what it cannot hold with a message naming the
 * problem, and is always answered as a decimal string.
 */
describe('money fields accept decimal strings and JSON numbers', () => {
  let t: TestApp;
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    t = await startTestApp({ PRICE_OVERRIDES: undefined });
  });

  afterAll(async () => {
    await t?.close();
  });

  let n = 0;
  const createClient = (fields: Record<string, unknown>) =>
    request(t.url)
      .post('/api/admin/clients')
      .set(admin())
      .send({ name: `money-${++n}`, ...fields });

  it.each([
    [250, '250'],
    ['250.00', '250'],
    [0.1, '0.1'],
    [12.345678, '12.345678'],
    [1e-6, '0.000001'],
    [0, '0'],
    [999999999999.5, '999999999999.5'],
  ])('monthly_budget_usd %p is stored and answered as %p', async (sent, answered) => {
    const res = await createClient({ monthly_budget_usd: sent }).expect(201);
    expect(res.body.monthly_budget_usd).toBe(answered);
    const read = await request(t.url).get(`/api/admin/clients/${res.body.id}`).set(admin()).expect(200);
    expect(read.body.monthly_budget_usd).toBe(answered);
  });

  it.each([
    [-5, 'monthly_budget_usd must not be negative (got -5)'],
    ['-5', 'monthly_budget_usd must not be negative (got "-5")'],
    [1e-7, 'monthly_budget_usd must have at most 6 decimal places (got 1e-7)'],
    [0.1 + 0.2, 'monthly_budget_usd must have at most 6 decimal places (got 0.30000000000000004)'],
    [1e13, 'monthly_budget_usd must have at most 12 digits before the decimal point (got 10000000000000)'],
    ['ten', 'monthly_budget_usd must be a decimal string like "250.00" or a number (got "ten")'],
    [true, 'monthly_budget_usd must be a decimal string like "250.00" or a number (got true)'],
  ])('refuses monthly_budget_usd %p with 422 saying why', async (sent, message) => {
    const res = await createClient({ monthly_budget_usd: sent }).expect(422);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details).toEqual([{ field: 'monthly_budget_usd', message }]);
  });

  it('refuses a number too large for a double (1e400 parses to Infinity) as not finite', async () => {
    const res = await request(t.url).post('/api/admin/clients').set(admin()).send('{"name":"money-inf","monthly_budget_usd":1e400}').expect(422);
    expect(res.body.error.details).toEqual([{ field: 'monthly_budget_usd', message: 'monthly_budget_usd must be a finite number (got Infinity)' }]);
  });

  it('takes numbers on update too, null clears the budget, and the alert threshold takes a number above 0 and at most 1', async () => {
    const created = await createClient({ monthly_budget_usd: '10' }).expect(201);
    const patched = await request(t.url)
      .patch(`/api/admin/clients/${created.body.id}`)
      .set(admin())
      .send({ monthly_budget_usd: 99.99, budget_alert_threshold: 0.8 })
      .expect(200);
    expect(patched.body).toMatchObject({ monthly_budget_usd: '99.99', budget_alert_threshold: '0.8', remaining_budget_usd: '99.99' });
    const cleared = await request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ monthly_budget_usd: null }).expect(200);
    expect(cleared.body.monthly_budget_usd).toBeNull();
    const bad = await request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ budget_alert_threshold: 1.5 }).expect(422);
    expect(bad.body.error.details).toEqual([{ field: 'budget_alert_threshold', message: 'budget_alert_threshold must be at most 1 (got 1.5)' }]);
  });

  it.each([0, '0', '0.0000'])(
    'refuses an alert threshold of %p with 422 naming it, on create and on PATCH (the column holds only more than 0)',
    async (sent) => {
      const message = `budget_alert_threshold must be greater than 0 (got ${String(sent)}); null for no alert`;
      const refused = await createClient({ budget_alert_threshold: sent }).expect(422);
      expect(refused.body.error.details).toEqual([{ field: 'budget_alert_threshold', message }]);
      const created = await createClient({ budget_alert_threshold: '0.5' }).expect(201);
      const bad = await request(t.url).patch(`/api/admin/clients/${created.body.id}`).set(admin()).send({ budget_alert_threshold: sent }).expect(422);
      expect(bad.body.error.details).toEqual([{ field: 'budget_alert_threshold', message }]);
      const read = await request(t.url).get(`/api/admin/clients/${created.body.id}`).set(admin()).expect(200);
      expect(read.body.budget_alert_threshold).toBe('0.5');
    },
  );

  it('takes console prices as numbers, exactly, and answers decimal strings', async () => {
    const res = await request(t.url)
      .put('/api/admin/prices')
      .set(admin())
      .send({ prices: { 'openai/gpt-4o': { input_per_m: 2.5, output_per_m: 10, cached_input_per_m: 0.1 } } })
      .expect(200);
    expect(res.body.items.find((p: { model: string }) => p.model === 'openai/gpt-4o')).toMatchObject({
      input_per_m: '2.5',
      output_per_m: '10',
      cached_input_per_m: '0.1',
      source: 'console',
    });
    const bad = await request(t.url)
      .put('/api/admin/prices')
      .set(admin())
      .send({ prices: { 'openai/gpt-4o': { input_per_m: 0.0000001, output_per_m: 1 } } })
      .expect(422);
    expect(bad.body.error.message).toContain('input_per_m');
    expect(bad.body.error.message).toContain('at most 6 decimal places');
  });

  it('documents every money input as "decimal string or number"', async () => {
    const doc = (await request(t.url).get('/openapi.json').expect(200)).body;
    const fields = doc.components.schemas.ApiClientCreateDto.properties;
    for (const name of ['monthly_budget_usd', 'budget_alert_threshold']) {
      expect(fields[name].oneOf.map((s: { type: string }) => s.type)).toEqual(['string', 'number']);
      expect(fields[name].description).toContain('decimal string or number');
    }
  });
});
