import { readFileSync } from 'node:fs';
import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { addErrorResponses, ERROR_SCHEMAS } from './error-responses';
import { addEventStreams } from './event-stream';
import { API_TAGS, checkTags } from './api-tags';
import { addResponseHeaders } from './response-headers';
import { applySecurity, SECURITY_SCHEMES } from './security';

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

const DESCRIPTION = `Self-hosted LLM gateway.

- **Client routes** (\`/api/v1/*\`, and the provider-compatible \`/v1/*\`, also served under \`/openai/v1/*\` for groq-sdk) take an API key, \
as \`X-API-Key: <key>\` or \`Authorization: Bearer <key>\`.
- **Admin routes** (\`/api/admin/*\`) take the admin token as \`Authorization: Bearer <token>\`, or the console's session cookie (\`POST /api/admin/session\`).
- **Errors**: \`/api/*\` answers \`{"error": {"code", "message", "details"}, "request_id"}\` (422 for validation);
  \`/v1/*\` answers in the OpenAI error shape and \`/v1/messages\` in the Anthropic one (400 for validation), so those SDKs raise their usual exceptions.
- Every response carries \`x-request-id\`, the id of the call's record in the usage log.
- Money crosses the API as decimal strings (USD).`;

export function createOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('LLMHub')
    .setDescription(DESCRIPTION)
    .setVersion('0.1.0')
    .setLicense('MIT', 'https://opensource.org/licenses/MIT')
    .addServer('/', 'This LLMHub (the server that serves this document)');
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  const config = builder.build();
  config.components = { securitySchemes: SECURITY_SCHEMES };
  // a route on several paths gets `name[i]` from Nest: its operationId stays the method name
  const doc = SwaggerModule.createDocument(app, config, { operationIdFactory: (_controller, method) => method.replace(/\[\d+\]$/, '') });
  // /openai/v1/* are aliases of /v1/* (for groq-sdk): documented once, under /v1
  for (const path of Object.keys(doc.paths)) if (path.startsWith('/openai/')) delete doc.paths[path];
  doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, ...ERROR_SCHEMAS } };
  checkTags(doc);
  applySecurity(doc);
  addEventStreams(doc);
  addErrorResponses(doc);
  addResponseHeaders(doc);
  return sortDocument(doc);
}

const REDOC_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>LLMHub API — ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>
<body><redoc spec-url="/openapi.json"></redoc><script src="/redoc/redoc.standalone.js"></script></body></html>`;

/** A blank image instead of ReDoc's footer logo, which it would fetch from its CDN (the CSP allows no other origin). */
const REDOC_CDN_LOGO = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
const BLANK_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg'/%3E";

function readRedocBundle(): string {
  return readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8').split(REDOC_CDN_LOGO).join(BLANK_SVG);
}

/** Swagger UI at /docs, the document at /openapi.json, ReDoc at /redoc (its bundle served locally); returns the document. */
export function setupOpenApi(app: INestApplication): OpenAPIObject {
  const doc = createOpenApiDocument(app);
  SwaggerModule.setup('docs', app, doc, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  const http = app.getHttpAdapter().getInstance() as { get(path: string, handler: (req: unknown, res: never) => void): void };
  const redocBundle = readRedocBundle();
  type Res = { type: (t: string) => { send: (b: string) => void } };
  http.get('/redoc', (_req: unknown, res: Res) => res.type('html').send(REDOC_PAGE));
  http.get('/redoc/redoc.standalone.js', (_req: unknown, res: Res) => res.type('js').send(redocBundle));
  return doc;
}
