import { request } from 'node:http';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

/**
 * Which API key a call is made with must never be a guess: two different LLMHub keys in one
 * request were answered as the X-API-Key one (billing a client the caller may not have meant),
 * and a repeated X-API-Key was called "not a valid LLMHub API key".
 */
describe('API key headers that do not name one key (e2e)', () => {
  let gateway: GatewayFixture;
  let otherKey: string;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'key-headers' });
    otherKey = (await gateway.newClient()).key;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  const chat = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] });

  async function call(path: string, headers: Headers): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
    headers.set('content-type', 'application/json');
    const res = await fetch(`${gateway.app.url}${path}`, { method: 'POST', headers, body: chat });
    return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
  }

  /** fetch joins a repeated header into one line; node:http sends each value as a header line of its own, as a buggy client or proxy does. */
  function callWithHeaderLines(
    path: string,
    headers: Record<string, string | string[]>,
  ): Promise<{ status: number; body: { error?: { code: string; message: string } } }> {
    return new Promise((resolve, reject) => {
      const req = request(`${gateway.app.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as { error?: { code: string; message: string } } }));
      });
      req.on('error', reject);
      req.end(chat);
    });
  }

  // the chat routes have a lane of their own, the others go through Nest's guard: both read the key alike
  describe.each(['/v1/chat/completions', '/v1/embeddings'])('%s', (path) => {
    it('refuses two different keys, in X-API-Key and Authorization: Bearer, saying so', async () => {
      const res = await call(path, new Headers({ 'x-api-key': gateway.apiKey, authorization: `Bearer ${otherKey}` }));
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('invalid_api_key');
      expect(res.body.error?.message).toContain('two different API keys');
      expect(JSON.stringify(res.body)).not.toContain(otherKey);
    });

    it('answers an admin token sent as the API key by saying what it is and what the route takes, without echoing it', async () => {
      // generated admin tokens carry the prefix; whether this one is in force is not for a client route to tell
      const adminToken = `lhadm_${'x'.repeat(43)}`;
      for (const headers of [new Headers({ authorization: `Bearer ${adminToken}` }), new Headers({ 'x-api-key': adminToken })]) {
        const res = await call(path, headers);
        expect(res.status).toBe(401);
        expect(res.body.error?.code).toBe('invalid_api_key');
        expect(res.body.error?.message).toContain('This is an admin token');
        expect(res.body.error?.message).toContain('client:create');
        expect(JSON.stringify(res.body)).not.toContain(adminToken);
      }
    });

    it('refuses two Authorization lines with different keys instead of billing the first (Node keeps only the first)', async () => {
      const res = await callWithHeaderLines(path, { authorization: [`Bearer ${gateway.apiKey}`, `Bearer ${otherKey}`] });
      expect(res.status).toBe(401);
      expect(res.body.error?.code).toBe('invalid_api_key');
      expect(res.body.error?.message).toBe('The Authorization header was sent more than once, with different values: send one API key');
      expect(JSON.stringify(res.body)).not.toContain(otherKey);
    });

    it('refuses a second Authorization line whose key differs from X-API-Key', async () => {
      const res = await callWithHeaderLines(path, {
        'x-api-key': gateway.apiKey,
        authorization: ['Bearer proxy-session-token', `Bearer ${otherKey}`],
      });
      expect(res.status).toBe(401);
      expect(res.body.error?.message).toContain('two different API keys');
    });

    it('refuses a repeated X-API-Key, saying so', async () => {
      const headers = new Headers();
      headers.append('x-api-key', gateway.apiKey);
      headers.append('x-api-key', gateway.apiKey);
      const res = await call(path, headers);
      expect(res.status).toBe(401);
      expect(res.body.error?.message).toContain('sent more than once');
    });
  });

  it('takes the same key in both headers, and a Bearer token that is no LLMHub key (a proxy’s) beside X-API-Key', async () => {
    const same = await call('/v1/chat/completions', new Headers({ 'x-api-key': gateway.apiKey, authorization: `Bearer ${gateway.apiKey}` }));
    expect(same.status).toBe(200);
    const proxy = await call('/v1/chat/completions', new Headers({ 'x-api-key': gateway.apiKey, authorization: 'Bearer proxy-session-token' }));
    expect(proxy.status).toBe(200);
    const repeated = await callWithHeaderLines('/v1/chat/completions', { authorization: [`Bearer ${gateway.apiKey}`, `Bearer ${gateway.apiKey}`] });
    expect(repeated.status).toBe(200);
  });
});
