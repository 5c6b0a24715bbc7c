import type { Readable } from 'node:stream';
import { Agent, Dispatcher, request } from 'undici';
import { answerEncoded, answerTooLarge, MAX_ANSWER_BYTES, unaskedEncoding } from './answer-limits';

/** Sockets kept open to each provider between calls. */
const KEEP_ALIVE_MS = 30_000;
/** Concurrent connections per provider origin; more calls queue in the agent. */
const CONNECTIONS_PER_ORIGIN = 256;

const agents = new Map<string, Agent>();

/** One keep-alive undici Agent per provider, for the life of the process. */
function agentFor(providerId: string): Agent {
  let agent = agents.get(providerId);
  if (!agent) {
    agent = new Agent({ keepAliveTimeout: KEEP_ALIVE_MS, connections: CONNECTIONS_PER_ORIGIN, pipelining: 1 });
    agents.set(providerId, agent);
  }
  return agent;
}

type HeaderRecord = Record<string, string | string[] | undefined>;

/**
 * The response headers as the SDKs read them (get, has, entries, iteration), without building a Headers object.
 * Built from undici's parsed record (`request()`), or from the raw name/value pairs of a dispatch, which are
 * parsed into a record only when something lists them: a successful call reads one header or two, found by a scan.
 */
export class ResponseHeaders {
  private constructor(
    private record: HeaderRecord | undefined,
    private readonly raw: readonly Buffer[] = [],
  ) {}

  static of(record: HeaderRecord): ResponseHeaders {
    return new ResponseHeaders(record);
  }

  /** `raw`: names and values in turn, as the provider sent them. */
  static fromRaw(raw: readonly Buffer[]): ResponseHeaders {
    return new ResponseHeaders(undefined, raw);
  }

  get(name: string): string | null {
    const lower = name.toLowerCase();
    if (this.record) {
      const value = this.record[lower];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(', ') : value;
    }
    let found: string | null = null;
    for (let i = 0; i + 1 < this.raw.length; i += 2) {
      const key = this.raw[i];
      if (key.length !== lower.length || key.toString('latin1').toLowerCase() !== lower) continue;
      const value = this.raw[i + 1].toString('latin1');
      found = found === null ? value : `${found}, ${value}`;
    }
    return found;
  }

  has(name: string): boolean {
    return this.get(name) !== null;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.parsed())) {
      const value = this.get(name);
      if (value !== null) yield [name, value];
    }
  }

  keys(): IterableIterator<string> {
    return Object.keys(this.parsed())[Symbol.iterator]();
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) fn(value, name);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  private parsed(): HeaderRecord {
    if (this.record) return this.record;
    const record: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
    for (let i = 0; i + 1 < this.raw.length; i += 2) {
      const name = this.raw[i].toString('latin1').toLowerCase();
      const value = this.raw[i + 1].toString('latin1');
      const earlier = record[name];
      record[name] = earlier === undefined ? value : Array.isArray(earlier) ? [...earlier, value] : [earlier, value];
    }
    this.record = record;
    return record;
  }
}

type UndiciBody = Readable & {
  json(): Promise<unknown>;
  text(): Promise<string>;
  arrayBuffer(): Promise<ArrayBuffer>;
  blob(): Promise<Blob>;
};

/**
 * What the SDKs use of a fetch Response. `body` is a Node stream, which the
 * SDKs iterate directly for server-sent events (they accept any async
 * iterable), so no web stream is built per call.
 */
export class TransportResponse {
  readonly ok: boolean;
  readonly statusText = '';
  readonly redirected = false;
  readonly type = 'basic';

  constructor(
    readonly url: string,
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly body: UndiciBody,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  get bodyUsed(): boolean {
    return this.body.readableEnded || this.body.destroyed;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }

  /** The whole body; past MAX_ANSWER_BYTES the request is aborted and this rejects. */
  private bytes(): Promise<Buffer> {
    const chunks = (this.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    return readCapped(
      async () => {
        const next = await chunks.next();
        return next.done ? null : next.value;
      },
      MAX_ANSWER_BYTES,
      (error) => this.body.destroy(error),
    );
  }
}

/** Reads chunks until `next` says null; past `maxBytes` in all, `abort`s the request and rejects with the answer-too-large error. */
async function readCapped(next: () => Promise<Buffer | null>, maxBytes: number, abort: (error: Error) => void): Promise<Buffer> {
  const parts: Buffer[] = [];
  let total = 0;
  for (let chunk = await next(); chunk !== null; chunk = await next()) {
    total += chunk.length;
    if (total > maxBytes) {
      const error = answerTooLarge(maxBytes);
      abort(error);
      throw error;
    }
    parts.push(chunk);
  }
  return Buffer.concat(parts, total);
}

function headerRecord(headers: RequestInit['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  if (headers instanceof Headers) headers.forEach((value, name) => (out[name] = value));
  else if (Array.isArray(headers)) for (const [name, value] of headers) out[name.toLowerCase()] = value;
  else for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name.toLowerCase()] = String(value);
  return out;
}

/** A provider call sent straight over the provider's Agent (no SDK in between). */
export interface DirectRequest {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
  /** how long to wait for the response headers (what the SDKs' `timeout` covers) */
  headersTimeoutMs: number;
}

type FetchInput = string | URL | { url: string };
type BodyInit_ = string | Buffer | Uint8Array | Readable | null | undefined;

/**
 * The `fetch` handed to a provider's SDK: the same request over undici's
 * `request()` on the provider's keep-alive Agent. Node's global fetch builds a
 * Request, a Response and WHATWG streams for every call, which was the largest
 * single share of the gateway's CPU per request.
 */
export function providerFetch(providerId: string): typeof fetch {
  const dispatcher = agentFor(providerId);
  const transportFetch = async (input: FetchInput, init: RequestInit = {}): Promise<TransportResponse> => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const res = await request(url, {
      dispatcher,
      method: (init.method ?? 'GET') as 'GET',
      headers: { 'accept-encoding': 'identity', ...headerRecord(init.headers) },
      body: init.body as BodyInit_,
      signal: init.signal ?? undefined,
    });
    const headers = ResponseHeaders.of(res.headers);
    const encoding = unaskedEncoding(res.statusCode, headers.get('content-encoding'));
    if (encoding !== undefined) {
      res.body.dump().catch(() => undefined); // read and dropped, so the connection can serve the next call
      throw answerEncoded(encoding); // the SDK passes it on as the cause of its connection error
    }
    return new TransportResponse(url, res.statusCode, headers, res.body as unknown as UndiciBody);
  };
  return transportFetch as unknown as typeof fetch;
}

/**
 * Pause, resume and abort of one dispatched request. The dispatch handler is undici's own callback form
 * (onConnect, onHeaders, onData, ...), which its Agent runs as is: the newer form (onRequestStart, ...) is
 * adapted to it call by call, with every response header parsed into an object the gateway seldom reads.
 */
class RequestControl {
  paused = false;
  private aborted = false;
  private resumeSocket: (() => void) | undefined;

  constructor(private readonly abortRequest: (reason?: Error) => void) {}

  resumeWith(resume: () => void): void {
    this.resumeSocket = resume;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.resumeSocket?.();
  }

  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortRequest(reason);
  }
}

/** Chunks held for a reader before the socket is paused. */
const STREAM_HIGH_WATER_CHUNKS = 64;

/**
 * The body of a provider response, fed by undici's dispatch handler and read
 * chunk by chunk: no Readable, no async iterator, no promise per chunk while
 * chunks are waiting. `destroy()` aborts the request, which closes the
 * connection unless the response had already completed.
 */
export class ResponseBody {
  private queue: Buffer[] = [];
  private head = 0;
  private ended = false;
  private failure: Error | undefined;
  private waiter: { resolve(chunk: Buffer | null): void; reject(err: Error): void } | undefined;
  /** after the last event: drop what still arrives, up to this many bytes in all */
  private discardUpTo = -1;
  private bytes = 0;
  controller: RequestControl | undefined;

  get bytesRead(): number {
    return this.bytes;
  }

  /** The next chunk, null at the end; rejects with the request's error (an abort, a cut connection, ...). */
  read(): Promise<Buffer | null> {
    if (this.head < this.queue.length) {
      const chunk = this.queue[this.head++];
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
        if (this.controller?.paused) this.controller.resume();
      }
      return Promise.resolve(chunk);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => (this.waiter = { resolve, reject }));
  }

  /** All of it as UTF-8 text (a whole answer, or an error answer); past `maxBytes` the request is aborted and this rejects. */
  async text(maxBytes = MAX_ANSWER_BYTES): Promise<string> {
    const bytes = await readCapped(
      () => this.read(),
      maxBytes,
      (error) => this.controller?.abort(error),
    );
    return bytes.toString('utf8');
  }

  /** Closes the connection unless the response is complete. */
  destroy(): void {
    if (!this.ended && !this.failure) this.controller?.abort(new Error('The stream was closed before its end'));
  }

  /** Reads and drops the rest so the connection returns to the pool; past `limit` bytes in all it is closed instead. */
  discardRest(limit: number): void {
    this.queue = [];
    this.head = 0;
    if (this.ended || this.failure) return;
    this.discardUpTo = limit;
    if (this.bytes > limit) this.destroy();
    else if (this.controller?.paused) this.controller.resume();
  }

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.discardUpTo >= 0) {
      if (this.bytes > this.discardUpTo) this.destroy();
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = undefined;
      waiter.resolve(chunk);
      return;
    }
    this.queue.push(chunk);
    if (this.queue.length - this.head >= STREAM_HIGH_WATER_CHUNKS) this.controller?.pause();
  }

  end(): void {
    this.ended = true;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.resolve(null);
  }

  fail(err: Error): void {
    if (this.ended) return;
    this.failure = err;
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(err);
  }
}

/** A provider response: status and headers, and its body read chunk by chunk (whole, or as events). */
export class ProviderResponse {
  readonly ok: boolean;

  constructor(
    readonly status: number,
    readonly headers: ResponseHeaders,
    readonly body: ResponseBody,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  text(): Promise<string> {
    return this.body.text();
  }
}

/**
 * One request on the provider's keep-alive Agent, its body read chunk by chunk:
 * the request goes to undici's dispatcher with a handler that feeds a
 * ResponseBody directly, which takes roughly half the time to the first body
 * chunk of `request()` with its Readable body and async iterator, and less for a
 * whole body than `request()` and its `json()`. The same errors as `request()`: the
 * caller's signal aborts the request (the connection is closed), the headers
 * wait is bounded by undici's timer (UND_ERR_HEADERS_TIMEOUT), connection
 * failures are undici's own.
 */
export function providerRequest(providerId: string, url: string): (req: DirectRequest) => Promise<ProviderResponse> {
  const dispatcher = agentFor(providerId);
  const { origin, pathname, search } = new URL(url);
  const path = pathname + search;
  return (req) =>
    new Promise<ProviderResponse>((resolve, reject) => {
      const { signal } = req;
      const body = new ResponseBody();
      let response: ProviderResponse | undefined;
      let settled = false;
      const onAbort = (): void => body.controller?.abort(signal.reason as Error);
      const done = (): void => {
        settled = true;
        signal.removeEventListener('abort', onAbort);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      const handler: Dispatcher.DispatchHandler = {
        onConnect(abort) {
          const control = new RequestControl(abort);
          body.controller = control;
          if (signal.aborted) control.abort(signal.reason as Error);
        },
        onHeaders(statusCode, rawHeaders, resume) {
          if (statusCode < 200) return true;
          body.controller?.resumeWith(resume);
          const headers = ResponseHeaders.fromRaw(rawHeaders);
          const encoding = unaskedEncoding(statusCode, headers.get('content-encoding'));
          if (encoding !== undefined) {
            const error = answerEncoded(encoding);
            done();
            reject(error);
            body.controller?.abort(error);
            return false;
          }
          response = new ProviderResponse(statusCode, headers, body);
          resolve(response);
          return !body.controller?.paused;
        },
        onData(chunk) {
          body.push(chunk);
          return !body.controller?.paused;
        },
        onComplete() {
          done();
          body.end();
        },
        onError(err) {
          if (settled) return;
          done();
          if (response) body.fail(err);
          else reject(err);
        },
      };
      dispatcher.dispatch({ origin, path, method: req.method, headers: req.headers, body: req.body, headersTimeout: req.headersTimeoutMs }, handler);
    });
}
