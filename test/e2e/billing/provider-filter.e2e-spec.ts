import request from 'supertest';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * The provider filter of the generation log, the usage report and the CSV export takes a provider's
 * aliases as the rest of the API does (`claude` is anthropic), and a name no provider answers to is a
 * 422 naming `provider` and the valid names, not an empty answer.
 */
describe('admin provider filter', () => {
  let g: GatewayFixture;
  let mine: string;
  const admin = (r: request.Test) => r.set('Authorization', `Bearer ${g.app.adminToken}`);

  beforeAll(async () => {
    g = await startGatewayFixture({ clientName: 'provider-filter' });
    const client = await g.newClient({ name: 'provider-filter-calls' });
    mine = `client_id=${client.id}`;
    for (const model of ['anthropic/claude-haiku-4-5', 'mock/echo']) {
      await request(g.app.url).post('/api/v1/llm/generate').set('X-API-Key', client.key).send({ model, prompt: 'filter me' }).expect(200);
    }
  }, 60_000);

  afterAll(async () => {
    await g?.close();
  });

  it.each(['anthropic', 'claude', 'Claude'])('finds the anthropic call in the log, the report and the CSV with provider=%s', async (provider) => {
    const logs = await admin(request(g.app.url).get(`/api/admin/logs?${mine}&provider=${provider}`)).expect(200);
    expect(logs.body.items.map((i: { provider: string; model: string }) => `${i.provider}/${i.model}`)).toEqual(['anthropic/claude-haiku-4-5']);
    const usage = await admin(request(g.app.url).get(`/api/admin/billing/usage?${mine}&granularity=day&provider=${provider}`)).expect(200);
    expect(usage.body.totals.requests).toBe(1);
    const csv = await admin(request(g.app.url).get(`/api/admin/billing/export.csv?${mine}&granularity=day&provider=${provider}`)).expect(200);
    expect(csv.text.trim().split('\r\n')).toHaveLength(2);
  });

  it('finds it by a model named with the alias (claude/claude-haiku-4-5)', async () => {
    const logs = await admin(request(g.app.url).get(`/api/admin/logs?${mine}&model=${encodeURIComponent('claude/claude-haiku-4-5')}`)).expect(200);
    expect(logs.body.items).toHaveLength(1);
    const usage = await admin(request(g.app.url).get(`/api/admin/billing/usage?${mine}&model=${encodeURIComponent('claude/claude-haiku-4-5')}`)).expect(200);
    expect(usage.body.totals.requests).toBe(1);
  });

  it.each(['/api/admin/logs', '/api/admin/billing/usage', '/api/admin/billing/export.csv'])(
    'answers an unknown provider on %s with 422 validation_error naming provider and the valid names',
    async (path) => {
      const res = await admin(request(g.app.url).get(`${path}?${mine}&provider=antropic`)).expect(422);
      expect(res.body.error).toMatchObject({ code: 'validation_error', details: [{ field: 'provider', message: expect.stringContaining('"antropic"') }] });
      expect(res.body.error.message).toMatch(/^provider: .*valid provider names: .*anthropic, claude/);
      expect(res.body.error.message).toContain('mock');
    },
  );
});
