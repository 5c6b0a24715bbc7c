/**
 * Provider simulator: speaks the real OpenAI, Anthropic and Groq wire formats
 * over plain node:http so the official SDKs work against it unmodified.
 * Used by the e2e tests and the benchmark, so the request path stays lean.
 *
 *   OpenAI SDK:    new OpenAI({ baseURL: sim.url + '/v1', apiKey })
 *   Anthropic SDK: new Anthropic({ baseURL: sim.url, apiKey })
 *   Groq SDK:      new Groq({ baseURL: sim.url, apiKey })
 *
 * Per-request behaviour is controlled by directives (see directives.ts);
 * token counts are deterministic (see tokens.ts).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens, createMessage } from './anthropic';
import { markerInContent, markerInLastUserMessage, resolveDirective, systemText, type SimDirective, type SimFault } from './directives';
import { Exchange, type ProviderId } from './exchange';
import { chatCompletion, embeddings, getModel, imageFile, imageGeneration, listModels } from './openai';
import { sendError } from './respond';

export interface SimulatorRequestLog {
  provider: 'openai' | 'anthropic' | 'groq';
  path: string;
  body: any;
  headers: Record<string, string | string[] | undefined>;
  aborted: boolean;
  /** Tokens the simulator reported for this request (also in the stream), when it answers a generation. */
  usage?: { input_tokens: number; output_tokens: number };
}

export interface ProviderSimulator {
  /** e.g. http://127.0.0.1:PORT, no trailing slash */
  url: string;
  requests: SimulatorRequestLog[];
  reset(): void;
  close(): Promise<void>;
}

interface Route {
  /** Where the in-body `[[sim:...]]` marker is looked for. */
  marker?: (body: any) => string | undefined;
  auth: boolean;
  handle: (ex: Exchange, body: any) => void;
}

const chatMarker = (body: any): string | undefined => markerInLastUserMessage(body?.messages);

const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['POST /v1/chat/completions', { auth: true, marker: chatMarker, handle: (ex, b) => chatCompletion(ex, b, 'openai') }],
  ['POST /openai/v1/chat/completions', { auth: true, marker: chatMarker, handle: (ex, b) => chatCompletion(ex, b, 'groq') }],
  ['POST /v1/messages', { auth: true, marker: chatMarker, handle: createMessage }],
  ['POST /v1/messages/count_tokens', { auth: true, marker: chatMarker, handle: countTokens }],
  ['POST /v1/embeddings', { auth: true, marker: (b) => markerInContent(b?.input), handle: embeddings }],
  ['POST /v1/images/generations', { auth: true, marker: (b) => markerInContent(b?.prompt), handle: imageGeneration }],
  ['GET /v1/models', { auth: true, handle: (ex) => listModels(ex, 'openai') }],
  ['GET /openai/v1/models', { auth: true, handle: (ex) => listModels(ex, 'groq') }],
]);

function findRoute(method: string, path: string): Route | undefined {
  const route = ROUTES.get(`${method} ${path}`);
  if (route || method !== 'GET') return route;
  if (path.startsWith('/v1/models/')) {
    const id = decodeURIComponent(path.slice('/v1/models/'.length));
    return { auth: true, handle: (ex) => getModel(ex, 'openai', id) };
  }
  if (path.startsWith('/openai/v1/models/')) {
    const id = decodeURIComponent(path.slice('/openai/v1/models/'.length));
    return { auth: true, handle: (ex) => getModel(ex, 'groq', id) };
  }
  if (path.startsWith('/sim-images/')) return { auth: false, handle: imageFile };
  return undefined;
}

function providerFor(path: string, headers: IncomingHttpHeaders): ProviderId {
  if (path.startsWith('/openai/')) return 'groq';
  if (path.startsWith('/v1/messages') || headers['anthropic-version'] !== undefined || headers['x-api-key'] !== undefined) {
    return 'anthropic';
  }
  return 'openai';
}

function bearer(headers: IncomingHttpHeaders): string {
  const auth = headers.authorization;
  return auth && auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
}

// Anthropic's SDK (1.x) sends the key as `Authorization: Bearer`; the raw API also takes `x-api-key`.
function hasCredentials(provider: ProviderId, headers: IncomingHttpHeaders): boolean {
  if (provider !== 'anthropic') return bearer(headers) !== '';
  const apiKey = headers['x-api-key'];
  return (typeof apiKey === 'string' && apiKey.trim() !== '') || bearer(headers) !== '';
}

class SimulatorServer implements ProviderSimulator {
  url = '';
  readonly requests: SimulatorRequestLog[] = [];
  private readonly failCounts = new Map<string, number>();
  private readonly promptCache = new Set<string>();
  private seq = 0;
  readonly server = createServer((req, res) => this.onRequest(req, res));

  reset(): void {
    this.requests.length = 0;
    this.failCounts.clear();
    this.promptCache.clear();
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      // Hanging and keep-alive connections would otherwise hold close() open.
      this.server.closeAllConnections();
    });
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
      this.dispatch(req, res, raw);
    });
  }

  private dispatch(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    let body: any = undefined;
    let badJson = false;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
        badJson = true;
      }
    }
    const log: SimulatorRequestLog = { provider: providerFor(path, req.headers), path, body, headers: req.headers, aborted: false };
    this.requests.push(log);
    const ex = new Exchange(req, res, log, ++this.seq);
    ex.promptCache = this.promptCache;
    if (res.destroyed) return void (log.aborted = true);

    const route = findRoute(method, path);
    if (!route) return sendError(ex, 'not_found', `Unknown request URL: ${method} ${path}.`);
    if (route.auth && !hasCredentials(ex.provider, req.headers)) return sendError(ex, 'auth');
    if (ex.provider === 'anthropic' && route.auth && !req.headers['anthropic-version']) {
      return sendError(ex, 'invalid', 'anthropic-version: header is required');
    }
    if (badJson) return sendError(ex, 'invalid', 'We could not parse the JSON body of your request.');

    ex.directive = resolveDirective(route.marker?.(body), req.headers['x-sim']);
    ex.fault = this.faultFor(ex.directive, body);
    ex.later(ex.directive.latencyMs, () => this.answer(ex, route, body));
  }

  /** `fail_first=N;id=X`: the first N requests with id X get the fault (503 by default), later ones none. */
  private faultFor(directive: SimDirective, body: unknown): SimFault | undefined {
    if (directive.systemContains !== undefined && !systemText(body as { system?: unknown }).includes(directive.systemContains)) return undefined;
    if (directive.failFirst === undefined) return directive.fault;
    const id = directive.id ?? '';
    const seen = (this.failCounts.get(id) ?? 0) + 1;
    this.failCounts.set(id, seen);
    return seen <= directive.failFirst ? (directive.fault ?? '503') : undefined;
  }

  private answer(ex: Exchange, route: Route, body: any): void {
    switch (ex.fault) {
      case '404':
        return sendError(ex, 'no_model', modelNotFound(ex.provider, (body as { model?: unknown } | null)?.model));
      case '429': {
        const retryAfter = ex.directive.retryAfterS ?? 1;
        return sendError(ex, 'rate_limit', undefined, { 'retry-after': String(retryAfter) });
      }
      case '500':
        return sendError(ex, 'server');
      case '503':
        return sendError(ex, 'unavailable');
      case 'hang':
        return; // never answers; the close listener marks the log entry aborted
      default:
        return route.handle(ex, body);
    }
  }
}

/** How each provider words a model it does not have. */
function modelNotFound(provider: ProviderId, requested: unknown): string {
  const model = typeof requested === 'string' ? requested : '';
  return provider === 'anthropic' ? `model: ${model}` : `The model \`${model}\` does not exist or you do not have access to it.`;
}

export function startProviderSimulator(opts: { port?: number } = {}): Promise<ProviderSimulator> {
  const sim = new SimulatorServer();
  // Benchmarks reuse connections hard; keep idle sockets around longer than Node's 5 s default.
  sim.server.keepAliveTimeout = 65_000;
  return new Promise((resolve, reject) => {
    sim.server.once('error', reject);
    sim.server.listen(opts.port ?? 0, '127.0.0.1', () => {
      sim.server.off('error', reject);
      sim.url = `http://127.0.0.1:${(sim.server.address() as AddressInfo).port}`;
      resolve(sim);
    });
  });
}
