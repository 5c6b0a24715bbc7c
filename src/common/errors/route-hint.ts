import type { IncomingHttpHeaders } from 'node:http';
import { firstHeaderValue } from '../http/header-value';
import type { RouteMethods } from './route-methods';

/**
 * The paths the OpenAI and Anthropic SDKs call, below their base URL. A 404 on
 * one of them behind a missing or doubled prefix (`/chat/completions`,
 * `/v1/v1/messages`, `/api/v1/chat/completions`) is an SDK given the wrong base
 * URL, and the answer says which one it takes.
 */
const SDK_PATH = /^((?:\/api)?(?:\/openai)?(?:\/v1)*)\/(chat\/completions|embeddings|images\/generations|models(?:\/[^/]+)?|messages(?:\/count_tokens)?)$/;
/** the prefixes under which these paths are routes */
const SERVED_PREFIXES = new Set(['/v1', '/openai/v1']);
/** a host name, IPv4 or bracketed IPv6 address with an optional port: nothing else is echoed */
const SAFE_HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

export interface RouteHintRequest {
  method?: string;
  path: string;
  headers?: IncomingHttpHeaders;
  /** true when the connection is TLS */
  encrypted?: boolean;
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `http://host` when the Host header is a plain host name, else undefined. */
function originOf(req: RouteHintRequest): string | undefined {
  const host = firstHeader(req.headers?.host);
  if (!host || !SAFE_HOST.test(host)) return undefined;
  const forwarded = firstHeaderValue(req.headers?.['x-forwarded-proto']);
  const https = req.encrypted === true || forwarded === 'https';
  return `${https ? 'https' : 'http'}://${host}`;
}

/**
 * The 404 message for a route that does not exist: when the path is a route's
 * under another method, the methods it takes; when it is an SDK path behind a
 * wrong prefix, the base URL that SDK takes; at the root, where the console is.
 */
export function notFoundMessage(req: RouteHintRequest, routes?: RouteMethods): string {
  const other = routes?.otherMethods(req.method ?? 'GET', req.path);
  if (other) {
    const route = `No such route: ${(req.method ?? 'GET').toUpperCase()} ${req.path}.`;
    return `${route} ${other.template} takes ${other.methods.join(', ')}. See /docs for the API.`;
  }
  // the first thing tried after a start (`curl localhost:4000`): the console answers browsers only
  if (req.path === '/') {
    const route = `No such route: ${(req.method ?? 'GET').toUpperCase()} /.`;
    const where = 'the API is described at /docs, and /health answers whether the server is up';
    return `${route} The console is served here to a browser (built by npm run build); ${where}.`;
  }
  const match = SDK_PATH.exec(req.path);
  if (!match || SERVED_PREFIXES.has(match[1])) return 'No such route. See /docs for the API.';
  const route = `No such route: ${(req.method ?? 'GET').toUpperCase()} ${req.path}.`;
  const origin = originOf(req);
  const anthropic = match[2].startsWith('messages') || (match[2].startsWith('models') && req.headers?.['anthropic-version'] !== undefined);
  if (anthropic) {
    const base = origin ? `the base URL ${origin} (without /v1)` : 'the server root as base URL (without /v1)';
    return `${route} Anthropic SDKs take ${base}; they add /v1/${match[2]} themselves.`;
  }
  const base = origin ? `the base URL ${origin}/v1` : 'a base URL ending in /v1';
  return `${route} OpenAI SDKs take ${base}; they add /${match[2]} themselves.`;
}
