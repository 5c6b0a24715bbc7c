import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppConfig } from '../../config/env.schema';
import { assignRequestId } from '../request-id';

/** Paths whose values never reach a log line: credentials and prompt bodies. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.apiKey',
  '*.api_key',
  '*.token',
  '*.key',
  '*.password',
  '*.messages',
  '*.prompt',
  '*.system',
  '*.body',
  '*.system_prompt',
  '*.variables',
];

export type RoutedRequest = IncomingMessage & { route?: { path?: string }; id?: string; originalUrl?: string; baseUrl?: string };

/** Lines are collected up to this many bytes before a write … */
const LOG_BUFFER_BYTES = 8 * 1024;
/** … or for at most this long. */
export const LOG_FLUSH_MS = 200;

type Destination = ReturnType<typeof pino.destination>;

/** The root logger's destination (one per process; the latest when tests start several apps in one). */
let rootDestination: Destination | undefined;

/** How long a banner waits for the log lines before it at most (a stdout nobody reads must not hold the start). */
const BANNER_WAIT_MS = 1_000;

/**
 * The one pino instance: Nest's own logs (nestjs-pino) and the request lines
 * both write through it. Lines go to stdout through an asynchronous,
 * buffered destination: a request never waits for a write(2), and lines leave
 * together once 8 KB are collected or 200 ms passed — one write per batch
 * instead of one per request (at one request at a time, a write per line cost
 * about a tenth of the gateway's CPU). pino flushes what is buffered when the
 * process exits; a kill -9 can lose the last 200 ms of lines (never a usage
 * record: those are committed before the response).
 */
export function createRootLogger(config: AppConfig): pino.Logger {
  const destination = pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES });
  const flush = setInterval(() => flushBuffered(destination), LOG_FLUSH_MS);
  flush.unref();
  destination.once('close', () => clearInterval(flush));
  rootDestination = destination;
  return pino({ level: config.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, destination);
}

/** Nothing buffered and no write in flight. */
function idle(destination: Destination): boolean {
  const state = destination as unknown as { destroyed?: boolean; _len?: unknown; _writing?: unknown };
  return state.destroyed === true || (state._len === 0 && state._writing !== true);
}

/** Writes what the destination holds, if anything (sonic-boom's flush() would otherwise write an empty buffer). */
function flushBuffered(destination: Destination): void {
  if (!idle(destination)) destination.flush();
}

/**
 * Resolves once the log lines written so far have left: what the server prints
 * straight to stdout at start (the admin token, the address it listens on)
 * comes after them, so the terminal reads in the order things happened.
 */
export function logLinesWritten(): Promise<void> {
  const destination = rootDestination;
  if (!destination || idle(destination)) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, BANNER_WAIT_MS);
    destination.flush(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * nestjs-pino serves Nest's logger API on the root logger. Its per-request
 * middleware is not mounted: it binds every request to an AsyncLocalStorage,
 * whose promise hooks cost about a third of the gateway's throughput (measured
 * with `npm run bench`); the request lines come from requestLogger() instead.
 */
export function loggerModuleParams(root: pino.Logger): Params {
  return { pinoHttp: { logger: root, autoLogging: false, quietReqLogger: true }, exclude: [{ path: '{*splat}', method: RequestMethod.ALL }] };
}

/** Paths that are never logged: health probes and metrics scrapes would drown the log. */
const UNLOGGED = new Set(['/health', '/health/ready', '/metrics']);

/** Called once per response with its route pattern (never the raw path: bounded label values). */
export type ResponseObserver = (method: string, route: string, status: number, seconds: number) => void;

/**
 * Assigns the request id (x-request-id) and, when the response is done, writes
 * one JSON line (request id, method, path, route, status and duration: the
 * fields pino-http wrote) and reports it to `observe` (the HTTP metrics). One
 * listener and one log call per request; no child logger, no per-request
 * serializers, no Nest middleware.
 */
export function requestLogger(root: pino.Logger, observe?: ResponseObserver): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const logResponse = responseLogger(root, observe);
  return (req, res, next) => {
    logResponse(req, res);
    next();
  };
}

/** requestLogger's work for one request, for the gateway's own request handler; answers the request id. */
export function responseLogger(root: pino.Logger, observe?: ResponseObserver): (req: IncomingMessage, res: ServerResponse) => string {
  // a request line holds no secret (id, method, path without its query, route, status, time): redaction's per-line walk is skipped
  const lines = root.child({}, { redact: [] });
  return (req, res) => {
    const id = assignRequestId(req, res);
    const started = performance.now();
    const logged = !UNLOGGED.has(req.url ?? '');
    res.once('close', () => {
      const ms = performance.now() - started;
      const routed = req as RoutedRequest;
      if (observe)
        observe(
          req.method ?? 'GET',
          routed.route?.path !== undefined ? `${routed.baseUrl ?? ''}${routed.route.path}` : 'unmatched',
          sentStatus(res),
          ms / 1000,
        );
      if (logged) logLine(lines, routed, res, id, ms);
    });
    return id;
  };
}

/**
 * The status the client was sent; 499 (the record's client_closed_request) when it left before any
 * answer: res.statusCode is then Node's default 200, which nobody received.
 */
function sentStatus(res: ServerResponse): number {
  return res.headersSent ? res.statusCode : 499;
}

/** 502 upstream_error and 504 upstream_timeout pass on a provider's failure: an upstream condition (warn), not a fault of the gateway (error). */
const UPSTREAM_FAILURE_STATUSES: ReadonlySet<number> = new Set([502, 504]);

function logLine(root: pino.Logger, req: RoutedRequest, res: ServerResponse, id: string, ms: number): void {
  const path = (req.originalUrl ?? req.url ?? '').split('?')[0];
  const status = sentStatus(res);
  const aborted = !res.writableFinished;
  const level = aborted || (status >= 500 && !UPSTREAM_FAILURE_STATUSES.has(status)) ? 'error' : status >= 400 ? 'warn' : 'info';
  if (!root.isLevelEnabled(level)) return;
  const line = {
    req: { id, method: req.method, url: path },
    res: { status },
    route: req.route?.path,
    responseTime: Math.round(ms),
  };
  root[level](line, aborted ? `${req.method} ${path} ${status} aborted by the client` : `${req.method} ${path} ${status} ${Math.round(ms)}ms`);
}
