import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import request from 'supertest';
import { bodyMemory } from '@src/common/http/body-memory';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A body LLMHub cannot read is refused precisely, in the envelope of its
 * route: malformed JSON, too large, not JSON or not UTF-8, nested too deep.
 * (Before: body-parser errors reached a static-file error handler and answered 404.)
 */
describe('bodies that cannot be read', () => {
  let t: TestApp;
  let apiKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    const client = await request(t.url).post('/api/admin/clients').set(admin()).send({ name: 'bodies' }).expect(201);
    apiKey = (await request(t.url).post(`/api/admin/clients/${client.body.id}/keys`).set(admin()).send({ name: 'k' }).expect(201)).body.key;
  });
  afterAll(async () => t?.close());

  function admin(): Record<string, string> {
    return { Authorization: `Bearer ${t.adminToken}` };
  }

  const routes = {
    openai: '/v1/chat/completions',
    anthropic: '/v1/messages',
    api: '/api/v1/llm/generate',
    admin: '/api/admin/clients',
  };
  type Dialect = keyof typeof routes;

  function send(route: string, body: string | Buffer, contentType = 'application/json') {
    return request(t.url)
      .post(route)
      .set({ Authorization: `Bearer ${route.startsWith('/api/admin') ? t.adminToken : apiKey}`, 'Content-Type': contentType })
      .send(body);
  }

  /** The code and message of an error, read from the envelope its route is documented with. */
  function errorOf(dialect: Dialect, body: Record<string, any>): { code: string; message: string; type?: string } {
    switch (dialect) {
      case 'openai':
        expect(body.error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String), code: expect.any(String) }));
        return body.error;
      case 'anthropic':
        expect(body.type).toBe('error');
        expect(body.error).toEqual(expect.objectContaining({ type: expect.any(String), message: expect.any(String) }));
        return body.error;
      default:
        expect(body).toEqual({ error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) }, request_id: expect.any(String) });
        return body.error;
    }
  }

  const validationStatus = (dialect: Dialect) => (dialect === 'openai' || dialect === 'anthropic' ? 400 : 422);

  for (const [dialect, route] of Object.entries(routes) as [Dialect, string][]) {
    describe(`${route}`, () => {
      it('answers malformed JSON with a validation error naming the parse error', async () => {
        const res = await send(route, '{"model": "mock/echo", "messages": [');
        expect(res.status).toBe(validationStatus(dialect));
        const error = errorOf(dialect, res.body);
        expect(error.code).toBe('validation_error');
        expect(error.message).toMatch(/^Request body is not valid JSON: .*JSON/);
        if (dialect !== 'openai' && dialect !== 'anthropic') expect(res.body.error.details).toEqual([{ field: 'body', message: error.message }]);
        if (dialect === 'openai' || dialect === 'anthropic') expect(error.type).toBe('invalid_request_error');
      });

      it.each([
        ['null', 'null'],
        ['"hello"', 'a string'],
        ['42', 'a number'],
        ['[{"name": "x"}]', 'an array'],
      ])('answers JSON that is not an object (%s) by saying so', async (body, got) => {
        const res = await send(route, body);
        expect(res.status).toBe(validationStatus(dialect));
        const error = errorOf(dialect, res.body);
        expect(error.code).toBe('validation_error');
        // not "is not valid JSON" (it is), nor a missing field or an unknown field "0"
        expect(error.message).toMatch(/^The request body must be a JSON object/);
        if (route !== routes.openai && route !== routes.anthropic) expect(error.message).toContain(`(got ${got})`);
      });

      it('answers a body over 20 MB with 413', async () => {
        // fetch, not supertest: the answer comes before the upload ends, which superagent waits out
        const res = await fetch(`${t.url}${route}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${route.startsWith('/api/admin') ? t.adminToken : apiKey}`, 'Content-Type': 'application/json' },
          body: Buffer.alloc(20 * 1024 * 1024 + 10, 0x20),
        });
        expect(res.status).toBe(413);
        const body = (await res.json()) as Record<string, any>;
        expect(errorOf(dialect, body).code).toBe('payload_too_large');
        if (dialect === 'anthropic') expect(body.error.type).toBe('request_too_large');
      });

      it('answers a body that is not JSON with 415', async () => {
        const res = await send(route, 'model=mock/echo', 'application/x-www-form-urlencoded');
        expect(res.status).toBe(415);
        const error = errorOf(dialect, res.body);
        expect(error.code).toBe('unsupported_media_type');
        expect(error.message).toContain('application/json');
      });

      it('answers a charset other than UTF-8 with 415', async () => {
        const res = await send(route, '{}', 'application/json; charset=iso-8859-1');
        expect(res.status).toBe(415);
        expect(errorOf(dialect, res.body).message).toContain('iso-8859-1');
      });

      it('answers bytes that are not UTF-8 (Latin-1 text sent as JSON) with a validation error, not a text of U+FFFD', async () => {
        // fetch, not supertest: superagent sends a Buffer with a JSON type as the JSON of the Buffer object
        const res = await fetch(`${t.url}${route}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${route.startsWith('/api/admin') ? t.adminToken : apiKey}`, 'Content-Type': 'application/json' },
          body: Buffer.from('{"model": "mock/echo", "prompt": "caf\u00e9"}', 'latin1'),
        });
        expect(res.status).toBe(validationStatus(dialect));
        const error = errorOf(dialect, (await res.json()) as Record<string, any>);
        expect(error.code).toBe('validation_error');
        expect(error.message).toBe('Request body is not valid UTF-8: JSON bodies must be UTF-8 encoded');
      });

      it('refuses thousands of nesting levels with a 4xx, cheaply, not a 500', async () => {
        const depth = 5_000;
        const res = await send(route, `{"metadata":${'['.repeat(depth)}${']'.repeat(depth)}}`);
        expect(res.status).toBe(validationStatus(dialect));
        expect(errorOf(dialect, res.body).message).toMatch(/nested more than \d+ levels/);
      });

      it('refuses more keys and values than a request holds with 413, before parsing them (small objects keyed apart cost the parser seconds)', async () => {
        const many = Array.from({ length: 70_000 }, (_, i) => `{"k${i}":${i}}`).join(',');
        const res = await send(route, `{"model":"mock/echo","metadata":[${many}]}`);
        expect(res.status).toBe(413);
        const error = errorOf(dialect, res.body);
        expect(error.code).toBe('payload_too_large');
        expect(error.message).toBe('Request body holds more than 200,000 JSON keys and values (each object, array, string, number, boolean and null counts)');
      });
    });
  }

  it('still reads JSON with a UTF-8 charset, a +json type and moderate nesting', async () => {
    const nested = JSON.parse(`${'{"a":'.repeat(20)}1${'}'.repeat(20)}`);
    await send('/api/admin/clients', JSON.stringify({ name: 'nested-meta', metadata: nested }), 'application/json; charset=UTF-8').expect(201);
    const res = await send(
      '/v1/chat/completions',
      JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
      'application/vnd.api+json',
    );
    expect(res.status).toBe(200);
  });

  it('answers a Content-Encoding it cannot decode with 415', async () => {
    const res = await request(t.url)
      .post('/api/admin/clients')
      .set({ ...admin(), 'Content-Type': 'application/json', 'Content-Encoding': 'zstd-unknown' })
      .send('{}');
    expect(res.status).toBe(415);
    expect(res.body.error.code).toBe('unsupported_media_type');
  });

  it('refuses a large body the instance has no room for with 503 server_busy and Retry-After, in each envelope, and reads it once there is room', async () => {
    // calls still being answered, holding all but 1 MB of the bodies the instance holds at once
    const inFlight = new EventEmitter();
    expect(bodyMemory.hold(inFlight as ServerResponse, bodyMemory.budgetBytes - bodyMemory.bytesHeld() - 1024 * 1024)).toBeUndefined();
    const large = JSON.stringify({ model: 'mock/echo', max_tokens: 16, messages: [{ role: 'user', content: `${'x'.repeat(2 * 1024 * 1024)} hi` }] });
    const small = JSON.stringify({ model: 'mock/echo', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    try {
      for (const dialect of ['openai', 'anthropic'] as const) {
        const res = await send(routes[dialect], large);
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('1');
        const error = errorOf(dialect, res.body);
        expect(error.message).toMatch(/has no room for this one \(2\.0 MB\): send it again shortly$/);
        if (dialect === 'openai') expect(error.code).toBe('server_busy');
        await send(routes[dialect], small).expect(200);
      }
    } finally {
      inFlight.emit('close');
    }
    await send(routes.openai, large).expect(200);
  });

  it('lets a POST without a body through to the route (no content type needed)', async () => {
    const res = await request(t.url).post('/api/admin/keys/00000000-0000-4000-8000-000000000000/rotate').set(admin());
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('00000000-0000-4000-8000-000000000000');
  });
});
