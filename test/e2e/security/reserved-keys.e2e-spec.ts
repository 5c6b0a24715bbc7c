import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { pollUntil } from '@test/support/poll';

/**
 * `__proto__`, `constructor` and `prototype` as JSON keys. The validation pipe used to drop them
 * without a word, at every level: `{"ab_weights": {"constructor": 1}}` answered that no weight was
 * given, a metadata key `constructor` was not stored, a template variable named `prototype` was
 * missing. Now a free-form field (metadata, variables, labels, weights) keeps them, for its service
 * to store or refuse by name; anywhere else they are a validation_error naming the key. The bodies
 * are sent as raw JSON: a JavaScript object literal cannot hold an own `__proto__` key.
 */
describe('reserved JSON keys (e2e)', () => {
  let gateway: GatewayFixture;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'reserved-keys' });
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  type ErrorBody = { error: { code: string; message: string; details: { field: string; message: string }[] }; request_id: string };

  async function send(method: string, path: string, rawJson?: string, auth: 'key' | 'admin' = 'key'): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${gateway.app.url}${path}`, {
      method,
      headers: {
        ...(auth === 'key' ? { 'x-api-key': gateway.apiKey } : { authorization: `Bearer ${gateway.app.adminToken}` }),
        ...(rawJson !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(rawJson !== undefined ? { body: rawJson } : {}),
    });
    return { status: res.status, body: await res.json() };
  }

  const fieldsOf = (body: unknown) => (body as ErrorBody).error.details.map((d) => d.field);

  it('keeps them in a call’s metadata, stored with its record as sent', async () => {
    const metadata = '{"constructor": "c", "prototype": "p", "__proto__": {"a": 1}, "nested": {"constructor": 2}}';
    const res = await send('POST', '/api/v1/llm/generate', `{"model": "mock/echo", "prompt": "hi", "metadata": ${metadata}}`);
    expect(res.status).toBe(200);
    const requestId = (res.body as { request_id: string }).request_id;
    const rows = await pollUntil(
      async () => (await gateway.db.query<{ metadata: string }>('SELECT metadata::text AS metadata FROM llm_generation_log WHERE id = $1', [requestId])).rows,
      (found) => found.length > 0,
    );
    expect(JSON.parse(rows[0].metadata)).toEqual(JSON.parse(metadata));
  });

  it('refuses them, by name, where a body has fields rather than free-form keys', async () => {
    const top = await send('POST', '/api/v1/llm/generate', '{"model": "mock/echo", "prompt": "hi", "constructor": 1, "__proto__": {"model": "x"}}');
    expect(top.status).toBe(422);
    expect((top.body as ErrorBody).error.code).toBe('validation_error');
    expect(fieldsOf(top.body)).toEqual(['constructor', '__proto__']);

    const nested = await send('POST', '/api/v1/llm/generate', '{"model": "mock/echo", "messages": [{"role": "user", "content": "hi", "prototype": true}]}');
    expect(nested.status).toBe(422);
    expect(fieldsOf(nested.body)).toEqual(['messages[0].prototype']);
    expect((nested.body as ErrorBody).error.details[0].message).toContain('reserved');
  });

  it('refuses them in a query string, by name, rather than ignoring them', async () => {
    const res = await send('GET', '/api/v1/billing/usage?constructor=1');
    expect(res.status).toBe(422);
    expect(fieldsOf(res.body)).toEqual(['constructor']);
  });

  describe('in templates', () => {
    let templateId: string;

    beforeAll(async () => {
      const created = await send(
        'POST',
        '/api/admin/templates',
        JSON.stringify({ name: 'reserved-keys', body: 'Hello {{ prototype }}', variables: [{ name: 'prototype', required: true }] }),
        'admin',
      );
      expect(created.status).toBe(201);
      templateId = (created.body as { id: string }).id;
    });

    it('uses a variable named prototype (it was missing)', async () => {
      const res = await send('POST', '/api/v1/prompts/reserved-keys/render', '{"variables": {"prototype": "Ada"}}');
      expect(res.status).toBe(200);
      expect((res.body as { prompt: string }).prompt).toBe('Hello Ada');
    });

    it('names an undeclared variable called constructor', async () => {
      const res = await send('POST', '/api/v1/prompts/reserved-keys/render', '{"variables": {"prototype": "Ada", "constructor": "x"}}');
      expect(res.status).toBe(422);
      expect(fieldsOf(res.body)).toEqual(['variables.constructor']);
    });

    it('names an A/B weight keyed constructor as a version that does not exist (it said no weight was given)', async () => {
      const res = await send('PATCH', `/api/admin/templates/${templateId}`, '{"ab_weights": {"constructor": 1}}', 'admin');
      expect(res.status).toBe(422);
      expect((res.body as ErrorBody).error.details).toEqual([{ field: 'ab_weights.constructor', message: 'version "constructor" does not exist' }]);
    });
  });

  it('passes them on intact on /v1, in a tool schema and in metadata', async () => {
    const parameters = '{"type": "object", "properties": {"constructor": {"type": "string"}, "prototype": {"type": "string"}}}';
    const body =
      '{"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}], "metadata": {"constructor": "c"},' +
      ` "tools": [{"type": "function", "function": {"name": "build", "parameters": ${parameters}}}]}`;
    const res = await send('POST', '/v1/chat/completions', body);
    expect(res.status).toBe(200);
    const sent = gateway.sim.requests[0]?.body as { tools: { function: { parameters: { properties: Record<string, unknown> } } }[] };
    expect(Object.keys(sent.tools[0].function.parameters.properties)).toEqual(['constructor', 'prototype']);
  });
});
