import { OpenAPIObject } from '@nestjs/swagger';
import type { SecuritySchemeObject } from './openapi-types';

/** The four ways to authenticate; a client route takes either of the first two, an admin route either of the last two. */
export const SECURITY_SCHEMES: Record<string, SecuritySchemeObject> = {
  api_key: {
    type: 'apiKey',
    in: 'header',
    name: 'X-API-Key',
    description: 'A client API key (`lh_…`), created in the console or with POST /api/admin/clients/{id}/keys.',
  },
  api_key_bearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A client API key as `Authorization: Bearer <key>` (what the OpenAI, Anthropic and Groq SDKs send).',
  },
  admin_token: { type: 'http', scheme: 'bearer', description: 'The admin token (ADMIN_TOKEN) as `Authorization: Bearer <token>`.' },
  admin_session: { type: 'apiKey', in: 'cookie', name: 'llmhub_session', description: 'The console’s session cookie, set by POST /api/admin/session.' },
};

export const CLIENT_SECURITY = [{ api_key: [] }, { api_key_bearer: [] }];
export const ADMIN_SECURITY = [{ admin_token: [] }, { admin_session: [] }];

/** Operations without a credential (health, the console login) say so with an empty list. */
export function applySecurity(doc: OpenAPIObject): void {
  for (const item of Object.values(doc.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch, item.head]) {
      if (operation && !operation.security) operation.security = [];
    }
  }
}
