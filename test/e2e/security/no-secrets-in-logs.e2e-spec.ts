import request from 'supertest';
import { ProviderSimulator } from '@test/support/provider-simulator/server';
import { ADMIN_TOKEN, ensureServerBuilt, ServerProcess } from '@test/support/server-process';
import { SimulatedServer, startSimulatedServer } from '@test/support/simulated-server';

const PROMPT = 'zebra-quartz-prompt-7f3a';
const TEMPLATE_BODY = 'marmalade-template-body-91c2 {{ thing }}';
const PROVIDER_KEY = 'sk-provider-secret-5d8e0b1c2a';

/**
 * The built server at its most talkative (LOG_LEVEL=trace), its stdout and stderr read
 * whole: calls carrying a distinctive prompt, template body, API key, admin token and
 * provider key, good and bad, leave none of them in any log line.
 */
describe('no secret and no prompt body in the logs (e2e, built server)', () => {
  let running: SimulatedServer | undefined;
  let sim: ProviderSimulator;
  let server: ServerProcess;
  let apiKey = '';
  let log = '';

  beforeAll(async () => {
    ensureServerBuilt();
    running = await startSimulatedServer('logs', (simUrl) => ({
      LOG_LEVEL: 'trace',
      MOCK_PROVIDER: 'off',
      OPENAI_API_KEY: PROVIDER_KEY,
      OPENAI_BASE_URL: `${simUrl}/v1`,
    }));
    ({ sim, server } = running);
    const url = server.url;
    const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };

    await request(url).post('/api/admin/session').send({ token: ADMIN_TOKEN }).expect(201);
    await request(url)
      .post('/api/admin/session')
      .send({ token: `${ADMIN_TOKEN}-wrong` })
      .expect(401);
    const client = await request(url).post('/api/admin/clients').set(admin).send({ name: 'log-check' }).expect(201);
    apiKey = (await request(url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin).send({ name: 'main' }).expect(201)).body.key;
    const key = { 'X-API-Key': apiKey };

    await request(url)
      .post('/v1/chat/completions')
      .set('Authorization', `Bearer ${apiKey}`)
      .send({
        model: 'openai/gpt-4o-mini',
        messages: [
          { role: 'system', content: PROMPT },
          { role: 'user', content: PROMPT },
        ],
      })
      .expect(200);
    await request(url).post('/api/v1/llm/generate').set(key).send({ prompt: PROMPT, model: 'openai/gpt-4o-mini' }).expect(200);
    await request(url).post('/api/v1/llm/generate').set(key).send({ prompt: PROMPT, model: 'openai/no-such-model-x' });
    await request(url).post('/api/v1/llm/generate').set(key).send({ prompt: PROMPT, unknown_field: PROMPT }).expect(422);
    await request(url).post('/api/v1/llm/generate').set(key).set('content-type', 'application/json').send(`{"prompt":"${PROMPT}`).expect(422);
    await request(url).post('/api/v1/llm/generate').set('X-API-Key', `${apiKey}x`).send({ prompt: PROMPT }).expect(401);
    await request(url)
      .post('/api/v1/prompts')
      .set(key)
      .send({ name: 'log-check', body: TEMPLATE_BODY, variables: [{ name: 'thing', required: true }] })
      .expect(201);
    await request(url)
      .post('/api/v1/prompts/log-check/render')
      .set(key)
      .send({ variables: { thing: PROMPT } })
      .expect(200);
    await request(url).get(`/api/v1/me?api_key=${apiKey}&token=${ADMIN_TOKEN}`).set(key);
    // a graceful stop flushes pino's asynchronous destination
    await server.stop();
    log = server.fullOutput();
  }, 120_000);

  afterAll(() => running?.close());

  it('captured the request lines of the run (the capture works)', () => {
    expect(log).toContain('/v1/chat/completions');
    expect(log).toContain('/api/v1/llm/generate');
    expect(log).toContain('/api/admin/session');
    expect(sim.requests.some((r) => String(r.headers.authorization).includes(PROVIDER_KEY))).toBe(true);
  });

  it.each([
    ['the prompt', () => PROMPT],
    ['the template body', () => 'marmalade-template-body-91c2'],
    ['the API key', () => apiKey],
    ['the API key without its prefix', () => apiKey.slice(6)],
    ['the admin token', () => ADMIN_TOKEN],
    ['the provider key', () => PROVIDER_KEY],
  ])('never writes %s', (_what, secret) => {
    expect(secret().length).toBeGreaterThan(10);
    const lines = log.split('\n').filter((line) => line.includes(secret()));
    expect(lines).toEqual([]);
  });
});
