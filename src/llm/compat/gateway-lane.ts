import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import { authenticateClient } from '../../auth/auth.guard';
import { KeyLookupService } from '../../auth/key-lookup.service';
import { RequestWithCaller } from '../../common/caller';
import { ErrorResponder } from '../../common/errors/http-exception.filter';
import { GracefulShutdown } from '../../common/http/graceful-shutdown';
import { readJsonBody } from '../../common/http/json-body';
import type { RoutedRequest } from '../../common/logging/logger.options';
import { LlmService } from '../generation/llm.service';
import { COMPAT_CHAT_ROUTES, CompatChatHandler } from './chat-routes';

/** What the lane does around every call that Express's middleware chain and Nest's router would otherwise do. */
export interface GatewayLaneDeps {
  llm: LlmService;
  keys: KeyLookupService;
  errors: ErrorResponder;
  shutdown: GracefulShutdown;
  /** the overhead clock (x-llmhub-overhead-ms) */
  startClock: (req: IncomingMessage, res: ServerResponse) => void;
  /** the request id, the request line and the HTTP metrics; answers the request id */
  logResponse: (req: IncomingMessage, res: ServerResponse) => string;
  securityHeaders: ReadonlyArray<readonly [string, string]>;
}

/**
 * The server's request listener: the compatible chat calls (POST
 * /v1/chat/completions, /openai/v1/chat/completions, /v1/messages: the calls
 * that carry a gateway's traffic) are answered here, straight from node:http;
 * everything else goes to `app` (Express and Nest).
 *
 * A call here passes through exactly what the Nest route does, in the same
 * order and with the same functions: overhead clock, request id and request
 * line, graceful-shutdown tracking, security headers, the API-key check, the
 * JSON body reader, the route's handler, and the one ErrorResponder for
 * every failure (which records refused calls). What it skips is the
 * framework: Express's router and its request/response decoration, Nest's
 * router proxy, guard and interceptor plumbing, rxjs — 40–50% of the
 * gateway's CPU per call. A request the lane does not take exactly as it is
 * (another method or spelling of the path, a query string; every request
 * when CORS is configured) goes to `app`, which answers it the same way.
 */
export function gatewayLane(deps: GatewayLaneDeps, app: RequestListener): RequestListener {
  return (req, res) => {
    const handler = req.method === 'POST' && req.url !== undefined ? COMPAT_CHAT_ROUTES.get(req.url) : undefined;
    if (handler === undefined) return app(req, res);
    serve(deps, handler, req as RequestWithCaller, res).catch(() => res.destroy());
  };
}

async function serve(deps: GatewayLaneDeps, handler: CompatChatHandler, req: RequestWithCaller, res: ServerResponse): Promise<void> {
  deps.startClock(req, res);
  const requestId = deps.logResponse(req, res);
  // the route label of the request line and the HTTP metrics, as Express sets it
  (req as RoutedRequest).route = { path: req.url };
  if (!deps.shutdown.admit(req, res)) return;
  for (const [name, value] of deps.securityHeaders) res.setHeader(name, value);
  deps.shutdown.handlerStarted();
  try {
    // the key before the body, as the Nest routes' guard: a request that is no client's is refused unparsed
    const caller = await authenticateClient(deps.keys, req);
    await readJsonBody(req as Request, res as Response);
    await handler(deps.llm, req.body, { caller, requestId, req, res });
  } catch (error) {
    await deps.errors.respond(error, req, res);
  } finally {
    deps.shutdown.handlerSettled();
  }
}
