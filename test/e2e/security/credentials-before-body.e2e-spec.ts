/**
 * A request's credentials are checked before its body is read: a request
 * without a valid API key or admin token is refused without its body being
 * parsed (a large JSON body holds the process while it is parsed, and nobody
 * unknown gets to make it do that), a route that takes no credentials reads at
 * most 64 KB, and a route no handler answers reads none.
 */
import { connect } from 'node:net';
import { Client } from 'pg';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * One route of each kind: the chat calls answered straight from node:http (in OpenAI's and Anthropic's
 * envelopes), Nest's client routes, an admin route. `code`: the error code of the refusal (the usage
 * record's, for a client route; Anthropic's envelope has none of its own).
 */
const ROUTES = [
  { path: '/v1/chat/completions', code: 'missing_api_key', wrongCode: 'invalid_api_key' },
  { path: '/v1/messages', code: 'missing_api_key', wrongCode: 'invalid_api_key' },
  { path: '/api/v1/llm/generate', code: 'missing_api_key', wrongCode: 'invalid_api_key' },
  { path: '/v1/embeddings', code: 'missing_api_key', wrongCode: 'invalid_api_key' },
  { path: '/api/admin/clients', code: 'unauthorized', wrongCode: 'unauthorized' },
];

const MALFORMED = '{"model": "mock/echo", "messages": [';

/**
 * Sends a request's head announcing a body of `announced` bytes and only the first bytes of it, and
 * resolves with the status line of the answer that comes back while the rest is still owed (or
 * rejects after `waitMs` without one: the server is waiting for the body).
 */
function answerBeforeBody(port: number, path: string, headers: Record<string, string>, announced: number, waitMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${waitMs} ms while the body was still owed`));
    }, waitMs);
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      resolve(received.slice(0, end));
    });
    const head = Object.entries({ host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': String(announced), ...headers })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.write(`POST ${path} HTTP/1.1\r\n${head}\r\n{"model": "mock/echo", "messages": [`);
  });
}

describe('credentials are checked before a body is read', () => {
  let t: TestApp;
  let db: Client;
  let apiKey: string;
  let clientId: string;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp();
    port = Number(new URL(t.url).port);
    const admin = { authorization: `Bearer ${t.adminToken}`, 'content-type': 'application/json' };
    const client = (await (
      await fetch(`${t.url}/api/admin/clients`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'body-after-key' }) })
    ).json()) as {
      id: string;
    };
    clientId = client.id;
    const key = (await (
      await fetch(`${t.url}/api/admin/clients/${client.id}/keys`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'k' }) })
    ).json()) as {
      key: string;
    };
    apiKey = key.key;
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  /** The refusal's error code: its usage record's on a client route, the envelope's on an admin route. */
  async function refusalCode(res: Response): Promise<string | undefined> {
    const body = (await res.json()) as { error: { code?: string; message: string } };
    expect(body.error.message).not.toMatch(/body/i);
    const { rows } = await db.query('SELECT error_code FROM llm_generation_log WHERE id = $1', [res.headers.get('x-request-id')]);
    return (rows[0]?.error_code as string | undefined) ?? body.error.code;
  }

  it.each(ROUTES)('$path: a malformed body without credentials is answered 401 $code, not as a bad body', async ({ path, code }) => {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: MALFORMED });
    expect(res.status).toBe(401);
    expect(await refusalCode(res)).toBe(code);
  });

  it.each(ROUTES)('$path: a malformed body with a wrong credential is answered 401 $wrongCode', async ({ path, wrongCode }) => {
    const res = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer lh_not_a_key_at_all', 'content-type': 'application/json' },
      body: MALFORMED,
    });
    expect(res.status).toBe(401);
    expect(await refusalCode(res)).toBe(wrongCode);
  });

  it.each(ROUTES)('$path: the 401 leaves while the body is still being sent', async ({ path }) => {
    await expect(answerBeforeBody(port, path, {}, 1_000_000)).resolves.toMatch(/^HTTP\/1\.1 401 /);
    await expect(answerBeforeBody(port, path, { authorization: 'Bearer lh_not_a_key_at_all' }, 1_000_000)).resolves.toMatch(/^HTTP\/1\.1 401 /);
  });

  it('a route that takes no credentials (the console sign-in) reads at most 64 KB, and refuses more at once', async () => {
    const signIn = (token: string) =>
      fetch(`${t.url}/api/admin/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    const large = await signIn('x'.repeat(70 * 1024));
    expect(large.status).toBe(413);
    expect(((await large.json()) as { error: { code: string; message: string } }).error).toMatchObject({
      code: 'payload_too_large',
      message: 'Request body is larger than the limit of 64KB',
    });
    await expect(answerBeforeBody(port, '/api/admin/session', {}, 10_000_000)).resolves.toMatch(/^HTTP\/1\.1 413 /);
    expect((await signIn(t.adminToken)).status).toBe(201);
  });

  it('a route that does not exist answers 404 without waiting for the body', async () => {
    await expect(answerBeforeBody(port, '/v1/no-such-route', { authorization: `Bearer ${apiKey}` }, 1_000_000)).resolves.toMatch(/^HTTP\/1\.1 404 /);
  });

  it('with a valid key the body is read and its refusal is recorded against the client', async () => {
    for (const path of ['/v1/chat/completions', '/api/v1/llm/generate']) {
      const res = await fetch(`${t.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: MALFORMED,
      });
      expect(res.status).toBe(path.startsWith('/api/') ? 422 : 400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('validation_error');
      const { rows } = await db.query('SELECT client_id, status, error_code FROM llm_generation_log WHERE id = $1', [res.headers.get('x-request-id')]);
      expect(rows).toEqual([{ client_id: clientId, status: 'rejected', error_code: 'validation_error' }]);
    }
  });

  it('a valid key whose body is slow to arrive is still answered once the body is whole', async () => {
    const socket = connect(port, '127.0.0.1');
    const body = JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'in two parts' }] });
    const answer = new Promise<string>((resolve, reject) => {
      let received = '';
      socket.on('error', reject);
      socket.on('data', (chunk: Buffer) => {
        received += chunk.toString('utf8');
        if (received.includes('Echo: in two parts')) resolve(received);
      });
    });
    const head = [
      'POST /v1/chat/completions HTTP/1.1',
      'host: 127.0.0.1',
      `authorization: Bearer ${apiKey}`,
      'content-type: application/json',
      `content-length: ${Buffer.byteLength(body)}`,
    ];
    socket.write(`${head.join('\r\n')}\r\n\r\n${body.slice(0, 10)}`);
    await new Promise((r) => setTimeout(r, 200));
    socket.write(body.slice(10));
    await expect(answer).resolves.toMatch(/^HTTP\/1\.1 200 /);
    socket.destroy();
  });
});
