import { DECORATORS, type OpenAPIObject } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { API_KEY_PREFIX } from '@src/auth/api-key.codec';
import { API_TAGS } from '@src/common/openapi/api-tags';
import { buildOpenApiDocument } from '@src/common/openapi/openapi-document';

interface Response {
  content?: Record<string, { schema?: { $ref?: string }; examples?: Record<string, { value: unknown }> }>;
}
interface Operation {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  responses: Record<string, Response>;
}

/** What a generator or a reader relies on in the document, checked on the document built from the code. */
describe('the OpenAPI document', () => {
  let doc: OpenAPIObject;
  let operations: (Operation & { method: string; path: string; name: string })[];

  beforeAll(async () => {
    doc = await buildOpenApiDocument();
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, Operation>).map(([method, op]) => ({ ...op, method, path, name: `${method.toUpperCase()} ${path}` })),
    );
  });

  it('gives every operation a summary, a description and one tag from the declared list', () => {
    const known = new Set<string>(API_TAGS.map((t) => t.name));
    const lacking = operations.filter((op) => !op.summary || !op.description || op.tags?.length !== 1 || !known.has(op.tags[0])).map((op) => op.name);
    expect(lacking).toEqual([]);
    expect(doc.tags?.map((t) => t.name)).toEqual(API_TAGS.map((t) => t.name));
  });

  it('describes the body of every successful answer with a schema (204 has none)', () => {
    const untyped = operations.flatMap((op) =>
      Object.entries(op.responses)
        .filter(([status, r]) => status.startsWith('2') && status !== '204' && !Object.values(r.content ?? {}).some((c) => c.schema))
        .map(([status]) => `${op.name} ${status}`),
    );
    expect(untyped).toEqual([]);
  });

  it('takes an API key on client routes and the admin token or session cookie on admin routes', () => {
    const schemes = (op: Operation) => (op.security ?? []).flatMap((s) => Object.keys(s)).sort();
    for (const op of operations) {
      if (op.path.startsWith('/api/admin/') && op.path !== '/api/admin/session')
        expect({ op: op.name, schemes: schemes(op) }).toEqual({ op: op.name, schemes: ['admin_session', 'admin_token'] });
      if (op.path.startsWith('/api/v1/') || op.path.startsWith('/v1/'))
        expect({ op: op.name, schemes: schemes(op) }).toEqual({ op: op.name, schemes: ['api_key', 'api_key_bearer'] });
    }
    expect(Object.keys(doc.components?.securitySchemes ?? {}).sort()).toEqual(['admin_session', 'admin_token', 'api_key', 'api_key_bearer']);
    // the prefix of the keys the CLI and the console hand out
    expect(doc.components?.securitySchemes?.api_key).toMatchObject({ description: expect.stringContaining(`(\`${API_KEY_PREFIX}…\`)`) });
  });

  it('documents errors in the shape of each route family, with validation at 422 on /api and 400 on /v1', () => {
    const errorSchema = (path: string) => (path.startsWith('/v1/messages') ? 'AnthropicError' : path.startsWith('/v1/') ? 'OpenAiError' : 'ErrorEnvelope');
    for (const op of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400 || op.path === '/health/ready') continue;
        expect({ op: op.name, status, schema: response.content?.['application/json']?.schema?.$ref }).toEqual({
          op: op.name,
          status,
          schema: `#/components/schemas/${errorSchema(op.path)}`,
        });
      }
    }
    const byId = (id: string) => operations.find((op) => op.operationId === id)!;
    expect(Object.keys(byId('createChatCompletion').responses)).toEqual(
      expect.arrayContaining(['400', '401', '402', '403', '413', '429', '502', '503', '504']),
    );
    expect(byId('createChatCompletion').responses['422']).toBeUndefined();
    expect(byId('generateText').responses['422']?.content?.['application/json']?.examples?.validation_error?.value).toMatchObject({
      error: { code: 'validation_error', details: [{ field: 'model' }] },
    });
    expect(byId('createMessage').responses['429']?.content?.['application/json']?.examples?.rate_limited?.value).toMatchObject({
      type: 'error',
      error: { type: 'rate_limit_error' },
    });
    expect(byId('getApiClient').responses['404']?.content?.['application/json']?.examples?.not_found).toBeDefined();
  });

  it('names every operation after its controller method, once (aliases such as /openai/v1 are not listed twice)', () => {
    const ids = operations.map((op) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/openai/'))).toEqual([]);
  });

  it('says an integer where the validation takes only integers (a generator would otherwise type limit, version… as floats)', () => {
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<{ name: string; prototype: object }, { propertyName: string; name?: string }[]>;
    };
    const notInteger: string[] = [];
    for (const [target, rules] of storage.validationMetadatas) {
      for (const rule of rules.filter((r) => r.name === 'isInt')) {
        const property = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, target.prototype, rule.propertyName) as { type?: unknown } | undefined;
        if (property && property.type !== 'integer') notInteger.push(`${target.name}.${rule.propertyName}`);
      }
    }
    expect(notInteger).toEqual([]);
  });

  it('lists on admin routes the 403 of an API key sent as the admin token (and of a cross-origin session on changes), on the sign-in its throttle', () => {
    const byId = (id: string) => operations.find((op) => op.operationId === id)!;
    for (const op of operations.filter((o) => o.path.startsWith('/api/admin/') && o.path !== '/api/admin/session')) {
      const forbidden = (op.responses['403'] as { description?: string } | undefined)?.description ?? '';
      expect({ op: op.name, apiKey: forbidden.includes('API key'), crossOrigin: forbidden.includes('another origin') }).toEqual({
        op: op.name,
        apiKey: true,
        crossOrigin: op.method !== 'get',
      });
    }
    expect(byId('createApiClient').responses['403']?.content?.['application/json']?.examples?.forbidden).toBeDefined();
    const signIn = byId('createAdminSession') as unknown as { responses: Record<string, { headers?: Record<string, unknown> }> };
    // 429: the throttle of wrong guesses is full, and the attempt was not checked
    expect(Object.keys(signIn.responses).sort()).toEqual(['201', '401', '403', '408', '413', '415', '422', '429']);
    expect(Object.keys(signIn.responses['201'].headers ?? {}).filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
  });

  it('marks required an object field that lists required fields of its own (Nest reads such a list as "this field is optional")', () => {
    const schemas = (doc.components?.schemas ?? {}) as Record<string, { required?: string[]; properties?: Record<string, { required?: unknown }> }>;
    const optional = Object.entries(schemas).flatMap(([name, schema]) =>
      Object.entries(schema.properties ?? {})
        .filter(([field, property]) => Array.isArray(property.required) && !(schema.required ?? []).includes(field))
        .map(([field]) => `${name}.${field}`),
    );
    expect(optional).toEqual([]);
  });

  it('lists on the streaming routes the text/event-stream their 200 is with stream: true', () => {
    const streaming = operations.filter((op) => op.responses['200']?.content?.['text/event-stream']).map((op) => op.operationId);
    expect(streaming.sort()).toEqual(['createChatCompletion', 'createMessage', 'createResponse']);
  });

  it('lists a server and no operation without a security statement', () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    expect(operations.filter((op) => op.security === undefined).map((op) => op.name)).toEqual([]);
  });
});
