import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

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
