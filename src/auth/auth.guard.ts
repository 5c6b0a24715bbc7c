import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { AUTH_KIND, AuthKind } from '../common/auth.decorators';
import { Caller, RequestWithCaller } from '../common/caller';
import { AppError } from '../common/errors/app-error';
import { firstHeaderValue } from '../common/http/header-value';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env.schema';
import { AdminAuthService, SESSION_COOKIE } from './admin-auth.service';
import { ADMIN_TOKEN_PREFIX, API_KEY_PREFIX } from './api-key.codec';
import { KeyLookupService } from './key-lookup.service';

type HeaderCarrier = Pick<IncomingMessage, 'headers' | 'socket'> & { ip?: string };

export function bearerToken(req: Pick<IncomingMessage, 'headers'>): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

export function cookieValue(req: HeaderCarrier, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function clientIp(req: HeaderCarrier): string {
  return req.ip ?? req.socket?.remoteAddress ?? 'unknown';
}

/** No key found: says what was wrong with an Authorization header that was sent (its scheme, never its contents). */
function missingKey(authorization: string | string[] | undefined): AppError {
  const how = 'send it as "X-API-Key: <key>" or "Authorization: Bearer <key>"';
  const header = typeof authorization === 'string' ? authorization.trim() : '';
  if (header === '') return new AppError('missing_api_key', `No API key: ${how}`);
  const [scheme = '', ...rest] = header.split(/\s+/);
  const got = /^Bearer$/i.test(scheme)
    ? `an Authorization: Bearer header ${rest.length === 0 ? 'with no key after it' : 'with more than the key after it'}`
    : /^[A-Za-z-]{1,20}$/.test(scheme) && rest.length > 0
      ? `an Authorization header of the "${scheme}" scheme`
      : 'an Authorization header without the Bearer scheme';
  return new AppError('missing_api_key', `No API key: the request has ${got}; ${how}`);
}

/**
 * Why the key to use is not clear, or undefined when it is. Two different LLMHub keys (X-API-Key
 * and Authorization: Bearer) used to be answered as the X-API-Key one, billing a client the caller
 * may not have meant; a repeated X-API-Key reaches here joined by a comma and was called not a
 * valid key. A Bearer token that is no LLMHub key (one for a proxy in front) is not LLMHub's to judge.
 */
function ambiguousKeys(apiKeyHeader: string | undefined, authorizations: readonly string[]): string | undefined {
  if (apiKeyHeader?.includes(',')) return 'The X-API-Key header was sent more than once: send one API key';
  if (apiKeyHeader === undefined) {
    return authorizations.some((value) => value !== authorizations[0])
      ? 'The Authorization header was sent more than once, with different values: send one API key'
      : undefined;
  }
  for (const authorization of authorizations) {
    const bearer = bearerToken({ headers: { authorization } });
    if (bearer !== undefined && bearer.startsWith(API_KEY_PREFIX) && bearer !== apiKeyHeader) {
      return 'The request carries two different API keys, in X-API-Key and in Authorization: Bearer: send one';
    }
  }
  return undefined;
}

/**
 * Every Authorization header the request carries, trimmed. Node keeps only the first in
 * `headers.authorization` and drops the rest, so a second Bearer key went unseen and the call
 * was billed to the first; the raw headers still hold them all.
 */
function authorizationValues(req: Partial<Pick<IncomingMessage, 'rawHeaders' | 'headers'>>): string[] {
  const raw = req.rawHeaders;
  if (raw === undefined) return typeof req.headers?.authorization === 'string' ? [req.headers.authorization.trim()] : [];
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === 13 && raw[i].toLowerCase() === 'authorization') values.push(raw[i + 1].trim());
  }
  return values;
}

/**
 * The admin token is what a new operator holds first, and tries on /v1 before any client exists;
 * "not a valid API key" left them guessing. Told by its prefix alone, so the answer says nothing
 * about whether it is the admin token in force.
 */
const ADMIN_TOKEN_AS_KEY =
  'This is an admin token (lhadm_…), which opens the admin routes (/api/admin/*) and the console, not the client routes: ' +
  'call with a client\'s API key (lh_…), created on the console\'s API clients page or with "npm run cli -- client:create --name <app>"';

/**
 * An API key from X-API-Key or Authorization: Bearer, checked: sets
 * `req.caller` (and answers it), or throws missing_api_key, invalid_api_key or client_inactive.
 */
export async function authenticateClient(
  keys: KeyLookupService,
  req: Pick<RequestWithCaller, 'headers' | 'caller'> & Partial<Pick<IncomingMessage, 'rawHeaders'>>,
): Promise<Caller> {
  const header = req.headers['x-api-key'];
  const apiKeyHeader = typeof header === 'string' && header.trim() !== '' ? header.trim() : undefined;
  const bearer = bearerToken(req);
  const key = apiKeyHeader ?? bearer;
  if (!key) throw missingKey(req.headers.authorization);
  const ambiguity = ambiguousKeys(apiKeyHeader, authorizationValues(req));
  if (ambiguity) throw new AppError('invalid_api_key', ambiguity);
  const verdict = await keys.verify(key);
  if (verdict.status === 'invalid') {
    if (verdict.reason === 'unknown' && key.startsWith(ADMIN_TOKEN_PREFIX)) throw new AppError('invalid_api_key', ADMIN_TOKEN_AS_KEY);
    const why = verdict.reason === 'unknown' ? 'is not a valid LLMHub API key' : verdict.reason === 'revoked' ? 'has been revoked' : 'has expired';
    throw new AppError('invalid_api_key', `The API key ${why}`);
  }
  // set before refusing, so the rejection is recorded against the client
  req.caller = verdict.caller;
  if (verdict.status === 'inactive') throw new AppError('client_inactive', `Client "${verdict.caller.clientName}" is deactivated`);
  return verdict.caller;
}

/** Methods that change nothing: a page of another origin may send them with the cookie (SameSite aside); their answers stay unreadable to it. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A request that changes something, sent by a page of another origin (its
 * Origin names neither this server's host nor a CORS_ORIGINS entry, or the
 * browser says Sec-Fetch-Site: cross-site or same-site). SameSite=Strict keeps
 * the session cookie from other sites, not from another origin of the same
 * site (a sibling subdomain, another port of the host): a form there could
 * post to a body-less admin route such as a key's rotation. Callers without a
 * browser send neither header and are not concerned.
 */
export function crossOriginWrite(req: Pick<IncomingMessage, 'headers' | 'method'>, allowedOrigins: readonly string[]): boolean {
  if (SAFE_METHODS.has(req.method ?? 'GET')) return false;
  const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
  if (origin !== undefined) {
    if (allowedOrigins.includes(origin)) return false;
    let host: string | undefined;
    try {
      host = new URL(origin).host.toLowerCase();
    } catch {
      host = undefined; // "null" (a sandboxed frame, a file) or garbage
    }
    // Host as the browser sent it, or as a proxy that rewrote it passed it on; a page cannot set either on a request it may send unasked
    if (host && (host === firstHeaderValue(req.headers.host) || host === firstHeaderValue(req.headers['x-forwarded-host']))) return false;
  }
  const site = firstHeaderValue(req.headers['sec-fetch-site']);
  // the browser's own word, unforgeable by a page: trusted when a proxy in front changed the Host
  if (site === 'same-origin' || site === 'none') return false;
  return origin !== undefined || site !== undefined;
}

/**
 * The global guard: routes marked @ClientAuth() take an API key and get
 * `req.caller`; routes marked @AdminAuth() take the admin token or the console
 * session cookie. API keys never open admin routes, admin tokens never open
 * client routes. Unmarked routes are public.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: KeyLookupService,
    private readonly admin: AdminAuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const kind = this.reflector.getAllAndOverride<AuthKind | undefined>(AUTH_KIND, [context.getHandler(), context.getClass()]);
    if (!kind) return true;
    const req = context.switchToHttp().getRequest<RequestWithCaller>();
    if (kind === 'client') await authenticateClient(this.keys, req);
    else await this.authenticateAdmin(req);
    return true;
  }

  private async authenticateAdmin(req: RequestWithCaller): Promise<void> {
    const token = bearerToken(req);
    if (token) return this.admin.assertAdminToken(token, clientIp(req));
    const session = cookieValue(req, SESSION_COOKIE);
    if (session && (await this.admin.isValidSession(session))) {
      if (crossOriginWrite(req, this.config.corsOrigins))
        throw new AppError(
          'forbidden',
          'A console session cannot change anything from a page of another origin (not this server, not in CORS_ORIGINS); send the admin token instead',
        );
      return;
    }
    throw new AppError('unauthorized', 'Admin routes need the admin token ("Authorization: Bearer <token>") or a console session');
  }
}
