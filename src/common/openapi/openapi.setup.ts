import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { ERROR_STATUS } from '../errors/error-codes';

/** Keys sorted recursively, so the committed document diffs cleanly. */
export function sortDocument<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortDocument) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((k) => [k, sortDocument((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

const ERROR_SCHEMAS = {
  ErrorEnvelope: {
    type: 'object',
    description: 'The error shape of /api/* routes; the codes and their statuses are listed in docs/API.md.',
    required: ['error', 'request_id'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', enum: Object.keys(ERROR_STATUS), example: 'validation_error' },
          message: { type: 'string', example: 'Invalid request: model' },
          details: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                field: { type: 'string', example: 'model' },
                message: { type: 'string' },
                code: { type: 'string', description: "a detail's own error code (each failed language of generate-content)" },
              },
              required: ['message'],
            },
          },
        },
      },
      request_id: { type: 'string', format: 'uuid' },
    },
  },
  OpenAiError: {
    type: 'object',
    description: 'The OpenAI error shape answered on /v1/* (so the OpenAI SDKs raise their usual exceptions).',
    properties: {
      error: {
        type: 'object',
        properties: { message: { type: 'string' }, type: { type: 'string', example: 'invalid_request_error' }, param: { type: 'string', nullable: true }, code: { type: 'string' } },
      },
      request_id: { type: 'string', format: 'uuid' },
    },
  },
  AnthropicError: {
    type: 'object',
    description: 'The Anthropic error shape answered on /v1/messages.',
    properties: {
      type: { type: 'string', enum: ['error'] },
      error: { type: 'object', properties: { type: { type: 'string', example: 'rate_limit_error' }, message: { type: 'string' } } },
      request_id: { type: 'string', format: 'uuid' },
    },
  },
};

/** Every operation documents its error shape: the envelope of its route family (docs/API.md, Errors). */
function addErrorResponses(doc: OpenAPIObject): void {
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...(ERROR_SCHEMAS as NonNullable<OpenAPIObject['components']>['schemas']) } };
  for (const [path, item] of Object.entries(doc.paths)) {
    const schema = path.startsWith('/v1/messages') ? 'AnthropicError' : path.startsWith('/v1/') ? 'OpenAiError' : 'ErrorEnvelope';
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = item[method];
      if (!operation) continue;
      operation.responses.default ??= {
        description: 'Error: the envelope of this route family, with one of the codes of the ErrorEnvelope schema',
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
      };
    }
  }
}

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('LLMHub')
    .setDescription(
      'Self-hosted LLM gateway. Client routes take an API key (`X-API-Key` or `Authorization: Bearer`); admin routes take the admin token or the console session cookie.',
    )
    .setVersion('0.1.0')
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api_key')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key (client routes) or the admin token (admin routes)' }, 'bearer')
    .addCookieAuth('llmhub_session', { type: 'apiKey', in: 'cookie', name: 'llmhub_session' }, 'admin_session')
    .build();
  const doc = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method });
  addErrorResponses(doc);
  return sortDocument(doc);
}

const REDOC_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>LLMHub API — ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/redoc/redoc.standalone.js"></script></body></html>`;

/** Swagger UI at /docs, the document at /openapi.json, ReDoc at /redoc (its bundle served locally). */
export function setupOpenApi(app: INestApplication): void {
  const doc = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  const http = app.getHttpAdapter().getInstance();
  const redocBundle = require.resolve('redoc/bundles/redoc.standalone.js');
  http.get('/redoc', (_req: unknown, res: { type: (t: string) => { send: (b: string) => void } }) => res.type('html').send(REDOC_PAGE));
  http.get('/redoc/redoc.standalone.js', (_req: unknown, res: { sendFile: (p: string) => void }) => res.sendFile(redocBundle));
}
