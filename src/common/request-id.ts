import type { IncomingMessage, ServerResponse } from 'node:http';
import { timeOrderedUuid } from './uuid';

/**
 * Every request gets a fresh UUID (time-ordered, v7): it is the x-request-id
 * header (and on /v1/messages Anthropic's request-id), the request_id in
 * bodies and the id of the call's row in llm_generation_log. Incoming ids are not trusted (they would collide in the log).
 */
export function assignRequestId(req: IncomingMessage, res: ServerResponse): string {
  const carrier = req as IncomingMessage & { id?: string };
  if (typeof carrier.id === 'string') return carrier.id;
  const id = timeOrderedUuid();
  carrier.id = id;
  res.setHeader('x-request-id', id);
  // Anthropic's own header, which its SDK reads into a message's _request_id and an error's requestID
  if (req.url?.startsWith('/v1/messages')) res.setHeader('request-id', id);
  return id;
}

export function requestIdOf(req: IncomingMessage): string {
  const id = (req as IncomingMessage & { id?: unknown }).id;
  return typeof id === 'string' ? id : '';
}

/**
 * The request's path as the client sent it, without the query. Express's
 * req.path is relative to the mount point inside a mounted middleware, which
 * is where a body that cannot be read is refused.
 */
export function requestPathOf(req: IncomingMessage & { originalUrl?: string }): string {
  const url = req.originalUrl ?? req.url ?? '';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
