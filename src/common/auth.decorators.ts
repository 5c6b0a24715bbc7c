import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiSecurity } from '@nestjs/swagger';

/**
 * Which credential a route takes. The global guard (auth module) reads this;
 * a route with neither is public (health, docs, the console's files).
 */
export const AUTH_KIND = 'llmhub:auth-kind';
export type AuthKind = 'client' | 'admin';

/** An API key: `X-API-Key` or `Authorization: Bearer`. Admin tokens are refused. */
export const ClientAuth = () => applyDecorators(SetMetadata(AUTH_KIND, 'client'), ApiSecurity('api_key'), ApiBearerAuth('bearer'));

/** The admin token as a bearer, or the console's session cookie. API keys are refused. */
export const AdminAuth = () => applyDecorators(SetMetadata(AUTH_KIND, 'admin'), ApiBearerAuth('bearer'), ApiCookieAuth('admin_session'));
