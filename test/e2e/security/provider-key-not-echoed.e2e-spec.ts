import request from 'supertest';
import { startTestApp, TestApp } from '@test/support/app';
import { startScriptedUpstream, ScriptedUpstream } from '@test/support/scripted-upstream';

const ENV_KEY = 'sk-env-provider-key-0123456789abcdef';
const CONSOLE_KEY = 'sk-console-provider-key-fedcba9876543210';

/** An OpenAI-compatible server that quotes the key it was sent in its refusals, as some do. */
function refusalQuoting(authorization: string | undefined, status: number): { status: number; headers: Record<string, string>; pieces: string[] } {
  const message = `Incorrect API key provided: ${String(authorization).replace(/^Bearer /, '')}. You can find your API key at https://example.invalid`;
  return {
    status,
    headers: { 'content-type': 'application/json' },
    pieces: [JSON.stringify({ error: { message, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })],
  };
}

/** A provider's error text reaches the client, the console and the log; the provider's key never does. */
describe('provider keys are never echoed from a provider error (e2e)', () => {
  let upstream: ScriptedUpstream;
  let t: TestApp;
  let key = '';
  const admin = () => ({ Authorization: `Bearer ${t.adminToken}` });

  beforeAll(async () => {
    // gpt-4o-mini: 401 (auth: retried never, upstream_error); gpt-4o: 400 (bad_request: validation_error with details)
    upstream = await startScriptedUpstream((model) => refusalQuoting(upstream.requests.at(-1)?.headers.authorization, model === 'gpt-4o' ? 400 : 401));
    t = await startTestApp({ OPENAI_API_KEY: ENV_KEY, OPENAI_BASE_URL: `${upstream.url}/v1`, MOCK_PROVIDER: 'off' });
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'echo-victim' }).expect(201);
    key = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'main' }).expect(201)).body.key;
  });
  afterAll(async () => {
    await t.close();
    await upstream.close();
  });

  const messages = [{ role: 'user', content: 'hi' }];
  const calls = (model: string): Array<() => request.Test> => [
    () => request(t.url).post('/v1/chat/completions').set('Authorization', `Bearer ${key}`).send({ model, messages }),
    () => request(t.url).post('/v1/chat/completions').set('Authorization', `Bearer ${key}`).send({ model, messages, stream: true }),
    () => request(t.url).post('/api/v1/llm/generate').set('X-API-Key', key).send({ model, prompt: 'hi' }),
  ];

  function expectNoKey(text: string): void {
    expect(text).not.toContain(ENV_KEY);
    expect(text).not.toContain(CONSOLE_KEY);
  }

  it.each(['openai/gpt-4o-mini', 'openai/gpt-4o'])('hides the environment key in what %s answers a client', async (model) => {
    for (const call of calls(model)) {
      const res = await call();
      expect(res.status).toBeGreaterThanOrEqual(400);
      expectNoKey(res.text);
      expect(res.text).toContain('Incorrect API key provided: [redacted]');
    }
  });

  it('hides a key saved in the console, in client answers and in the console’s connection test', async () => {
    await request(t.url).put('/api/admin/providers/openai').set(admin()).send({ api_key: CONSOLE_KEY }).expect(200);
    const test = await request(t.url).post('/api/admin/providers/openai/test').set(admin()).expect(200);
    expect(test.body.ok).toBe(false);
    expectNoKey(test.text);
    for (const call of calls('openai/gpt-4o-mini')) expectNoKey((await call()).text);
    const logs = await request(t.url).get('/api/admin/logs').set(admin()).expect(200);
    expect(logs.body.items.length).toBeGreaterThan(0);
    expectNoKey(logs.text);
  });
});
