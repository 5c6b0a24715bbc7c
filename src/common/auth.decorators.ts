import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';

/**
 * Which credential a route takes. The global guard (auth module) reads this;
 * a route with neither is public (health, docs, the console's files).
 */
export const AUTH_KIND = 'llmhub:auth-kind';
export type AuthKind = 'client' | 'admin';

/** An API key: `X-API-Key` or `Authorization: Bearer`. Admin tokens are refused. */
export const ClientAuth = () => applyDecorators(SetMetadata(AUTH_KIND, 'client'), ApiSecurity('api_key'), ApiSecurity('api_key_bearer'));

/** The admin token as a bearer, or the console's session cookie. API keys are refused. */
export const AdminAuth = () => applyDecorators(SetMetadata(AUTH_KIND, 'admin'), ApiSecurity('admin_token'), ApiSecurity('admin_session'));
