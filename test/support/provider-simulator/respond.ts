import type { OutgoingHttpHeaders } from 'node:http';
import type { Exchange, ProviderId } from './exchange';

/** not_found: no such route; no_model: the route exists, the model does not */
export type ErrorKind = 'auth' | 'not_found' | 'no_model' | 'invalid' | 'rate_limit' | 'server' | 'unavailable';

const STATUS: Record<ErrorKind, number> = {
  auth: 401,
  not_found: 404,
  no_model: 404,
  invalid: 400,
  rate_limit: 429,
  server: 500,
  unavailable: 503,
};

// OpenAI (and Groq, which copies it): { error: { message, type, param, code } }
const OPENAI_ERROR: Record<ErrorKind, { type: string; code: string | null; message: string }> = {
  auth: { type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided.' },
  not_found: { type: 'invalid_request_error', code: 'unknown_url', message: 'Unknown request URL.' },
  no_model: { type: 'invalid_request_error', code: 'model_not_found', message: 'The model does not exist or you do not have access to it.' },
  invalid: { type: 'invalid_request_error', code: null, message: 'Invalid request.' },
  rate_limit: { type: 'requests', code: 'rate_limit_exceeded', message: 'Rate limit reached for requests. Please try again later.' },
  server: { type: 'server_error', code: null, message: 'The server had an error while processing your request.' },
  unavailable: { type: 'server_error', code: null, message: 'The engine is currently overloaded, please try again later.' },
};

// Anthropic: { type: 'error', error: { type, message }, request_id }
const ANTHROPIC_ERROR: Record<ErrorKind, { type: string; message: string }> = {
  auth: { type: 'authentication_error', message: 'invalid x-api-key' },
  not_found: { type: 'not_found_error', message: 'Not found' },
  no_model: { type: 'not_found_error', message: 'model: unknown' },
  invalid: { type: 'invalid_request_error', message: 'Invalid request.' },
  rate_limit: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit.' },
  server: { type: 'api_error', message: 'Internal server error' },
  unavailable: { type: 'overloaded_error', message: 'Overloaded' },
};

/** Response headers every provider sends (request id under the provider's name). */
export function idHeaders(ex: Exchange): OutgoingHttpHeaders {
  return ex.provider === 'anthropic' ? { 'request-id': `req_sim${ex.seq}` } : { 'x-request-id': `req_sim${ex.seq}` };
}

export function errorBody(provider: ProviderId, kind: ErrorKind, message?: string, seq = 0, param: string | null = null): unknown {
  if (provider === 'anthropic') {
    const e = ANTHROPIC_ERROR[kind];
    return { type: 'error', error: { type: e.type, message: message ?? e.message }, request_id: `req_sim${seq}` };
  }
  const e = OPENAI_ERROR[kind];
  return { error: { message: message ?? e.message, type: e.type, param, code: e.code } };
}

/** `param`: the request field an OpenAI-shaped refusal names (null when it names none). */
export function sendError(ex: Exchange, kind: ErrorKind, message?: string, headers?: OutgoingHttpHeaders, param: string | null = null): void {
  // Anthropic answers an overload with its own 529, the others with 503
  const status = kind === 'unavailable' && ex.provider === 'anthropic' ? 529 : STATUS[kind];
  writeJson(ex, status, JSON.stringify(errorBody(ex.provider, kind, message, ex.seq, param)), headers);
}

/** A 200 JSON body, or its broken form under the `malformed` / `cut` / `stall` / `flood` faults. */
export function sendJson(ex: Exchange, body: unknown): void {
  const json = JSON.stringify(body);
  if (ex.fault === 'malformed') return writeJson(ex, 200, '{"id": "sim-malformed", <not json>');
  if (ex.fault === 'flood') {
    ex.res.writeHead(200, { 'content-type': 'application/json', ...idHeaders(ex) });
    return flood(ex, '{"id": "sim-flood", "padding": "');
  }
  if (ex.fault === 'cut' || ex.fault === 'stall') {
    ex.res.writeHead(200, { 'content-type': 'application/json', ...idHeaders(ex) });
    // stall: the rest never comes and the connection stays open (the close listener marks a client abort)
    ex.res.write(json.slice(0, json.length >> 1), ex.fault === 'cut' ? () => ex.cut() : undefined);
    return;
  }
  writeJson(ex, 200, json);
}

/** Pre-serialised JSON (the hot path of static answers). */
export function writeJson(ex: Exchange, status: number, json: string, headers?: OutgoingHttpHeaders): void {
  if (ex.closed) return;
  ex.res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(json),
    ...idHeaders(ex),
    ...headers,
  });
  ex.res.end(json);
}

/**
 * Writes a server-sent event stream. `events` are complete SSE frames.
 * `cutAt` = how many frames go out before a `cut` (socket destroyed), a
 * `malformed` fault (a frame whose data is not JSON, then the stream ends) or a
 * `stall` (the connection stays open and nothing more is written).
 */
export function sendSse(ex: Exchange, events: string[], cutAt: number, malformedFrame: string): void {
  if (ex.closed) return;
  const fault = ex.fault;
  let frames = events;
  if (fault === 'cut' || fault === 'stall' || fault === 'flood') frames = events.slice(0, cutAt);
  else if (fault === 'malformed') frames = [...events.slice(0, cutAt), malformedFrame];
  ex.res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    ...idHeaders(ex),
  });
  // The last frame ends the response, or for `cut` destroys the socket once flushed, or for `stall` is followed by silence.
  const writeLast = (data: string): void => {
    if (fault === 'flood') flood(ex, `${data}data: {"padding": "`);
    else if (fault === 'cut') ex.res.write(data, () => ex.cut());
    else if (fault === 'stall') ex.res.write(data);
    else ex.res.end(data);
  };
  const delay = ex.directive.chunkDelayMs;
  if (!delay || frames.length < 2) return writeLast(frames.join(''));
  let i = 0;
  const next = (): void => {
    const frame = frames[i++];
    if (i === frames.length) return writeLast(frame);
    ex.res.write(frame);
    ex.later(delay, next);
  };
  next();
}

/** Writes `prefix`, then megabytes of `x` for as long as the client reads them (the `flood` fault). */
function flood(ex: Exchange, prefix: string): void {
  const block = Buffer.alloc(1 << 20, 'x');
  ex.res.write(prefix);
  const pump = (): void => {
    while (!ex.closed) {
      if (!ex.res.write(block)) {
        ex.res.once('drain', pump);
        return;
      }
    }
  };
  pump();
}
