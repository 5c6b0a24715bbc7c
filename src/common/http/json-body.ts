import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isUtf8 } from 'node:buffer';
import { IncomingMessage, type ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { json, type Request, type Response } from 'express';
import { from, type Observable, switchMap } from 'rxjs';
import { AUTH_KIND } from '../auth.decorators';
import type { RequestWithCaller } from '../caller';
import { AppError, bodyNotAnObject } from '../errors/app-error';
import { bodyMemory } from './body-memory';
import { jsonShapeProblem } from './json-shape';

/** The most a route reads of a body: its size, and a body-parser held to it. */
export interface BodyLimit {
  /** as messages give it: "20MB" */
  readonly label: string;
  readonly bytes: number;
  readonly parse: ReturnType<typeof json>;
}

/** Images arrive base64-encoded in chat messages: large bodies are allowed, but bounded. */
export const BODY_LIMIT: BodyLimit = bodyLimit(20 * 1024 * 1024);
/**
 * What a route anyone may call reads at most (the console's sign-in, whose body is a token; a public GET
 * sent a body): nobody unknown gets the server to read and parse megabytes.
 */
export const PUBLIC_BODY_LIMIT: BodyLimit = bodyLimit(64 * 1024);
/** Far above any real request (tool schemas included), far below what the validation pipe's recursion survives. */
export const MAX_JSON_DEPTH = 64;
/**
 * Keys and values a body may hold: several times a 2,000-message conversation with tool calls, and few enough
 * that the worst body JSON.parse can be given (small objects whose keys all differ) is parsed in about a
 * tenth of a second; 20 MB of those took seconds, holding up every other call.
 */
export const MAX_JSON_ITEMS = 200_000;

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json$/i;

/** A body that goes this long without a byte is refused (408): a stalled client held its connection until Node's own 5-minute limit. */
export const BODY_IDLE_TIMEOUT_MS = 30_000;
const WATCH_INTERVAL_MS = 1_000;

/**
 * The bodies being read, watched by one timer for all (a timer per request would cost every call,
 * and nearly every body arrives with its headers): each read notes the sweep in which it last
 * saw a byte, and one that saw none for BODY_IDLE_TIMEOUT_MS is refused.
 */
class StalledBodies {
  private sweep = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly reads = new Map<IncomingMessage, StalledRead>();

  /** Watches `req`'s body until done(req); `refuse` answers it if it stalls. The caller calls touch() on each chunk. */
  watch(req: IncomingMessage, refuse: (error: AppError) => void): StalledRead {
    const read = { seen: this.sweep, refuse };
    this.reads.set(req, read);
    if (!this.timer) {
      this.timer = setInterval(() => this.check(), WATCH_INTERVAL_MS);
      this.timer.unref();
    }
    return read;
  }

  touch(read: StalledRead): void {
    read.seen = this.sweep;
  }

  done(req: IncomingMessage): void {
    this.reads.delete(req);
  }

  private check(): void {
    if (this.reads.size === 0) {
      // idle: the next read starts it again
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    this.sweep++;
    const stalledSince = this.sweep - BODY_IDLE_TIMEOUT_MS / WATCH_INTERVAL_MS;
    for (const [req, read] of this.reads) {
      if (read.seen > stalledSince) continue;
      this.reads.delete(req);
      const seconds = BODY_IDLE_TIMEOUT_MS / 1000;
      read.refuse(new AppError('request_timeout', `Request body stopped arriving: no byte for ${seconds} s; send the whole body without pausing`));
    }
  }
}

interface StalledRead {
  seen: number;
  refuse: (error: AppError) => void;
}

const stalledBodies = new StalledBodies();

/** A read refused before its body is in (stalled, or no room for it): the answer closes the connection, whose unread rest would otherwise hold it. */
function refuseMidRead(res: Response, reject: (error: unknown) => void): (error: AppError) => void {
  return (error) => {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    reject(error);
  };
}

/** A request carries a body when it says so (Content-Length > 0 or chunked), as body-parser decides. */
function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** JSON in UTF-8 (the charset may be omitted) is the only body LLMHub reads. */
function unsupportedMediaType(header: string | undefined): AppError | undefined {
  const [mediaType = '', ...params] = (header ?? '').split(';');
  if (!JSON_MEDIA_TYPE.test(mediaType.trim())) {
    const given = mediaType.trim() ? `"${mediaType.trim().slice(0, 100)}"` : 'none';
    return new AppError('unsupported_media_type', `Request bodies must be JSON: send Content-Type: application/json (got ${given})`);
  }
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') {
      return new AppError('unsupported_media_type', `Request bodies must be UTF-8 (got charset "${charset.slice(0, 40)}")`);
    }
  }
  return undefined;
}

/** body-parser reports its failures with `type` (malformed JSON, too large, a broken stream …). */
function bodyReadError(error: { type?: unknown; status?: unknown; message?: unknown; body?: unknown; refusal?: unknown }, limit: BodyLimit): AppError {
  if (error.status === 415) {
    // a Content-Encoding other than gzip, deflate or br, or a charset body-parser cannot decode
    return new AppError('unsupported_media_type', `Request body cannot be decoded: ${String(error.message)}`);
  }
  if (error.type === REFUSED_UNPARSED && error.refusal instanceof AppError) return error.refusal;
  if (error.type === 'entity.too.large') return tooLarge(limit);
  if (error.type === 'entity.parse.failed') {
    // strict mode refuses valid JSON that is not an object or array (null, "x", 42) in words that call it invalid JSON
    const scalar = jsonScalar(error.body);
    if (scalar !== undefined) return bodyNotAnObject(scalar);
    return unreadableBody(`Request body is not valid JSON: ${String(error.message)}`);
  }
  return unreadableBody(`Request body could not be read: ${String(error.message)}`);
}

/** What a body that body-parser's strict mode refused is, when it is valid JSON after all (a scalar); undefined otherwise. */
function jsonScalar(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const value = JSON.parse(body) as unknown;
    return value === null ? 'null' : `a ${typeof value}`;
  } catch {
    return undefined;
  }
}

/** body-parser's type for a body refused before it is parsed (unparsableBody), the refusal carried along. */
const REFUSED_UNPARSED = 'body.refused_unparsed';

/**
 * The refusal of a body not to be parsed: not UTF-8 (decoding would replace its bytes silently), or past a
 * bound of its shape (JSON.parse would spend its time on it first).
 */
function unparsableBody(bytes: Buffer): AppError | undefined {
  if (!isUtf8(bytes)) return notUtf8();
  const problem = jsonShapeProblem(bytes, MAX_JSON_DEPTH, MAX_JSON_ITEMS);
  if (problem === 'too-deep') return tooDeep();
  if (problem === 'too-many-items') return tooManyItems();
  return undefined;
}

/** `bytes`: a whole number of KB, or of MB from 1 MB on (it names itself "20MB", "64KB"). */
function bodyLimit(bytes: number): BodyLimit {
  const label = bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)}MB` : `${bytes / 1024}KB`;
  const parse = json({
    limit: bytes,
    type: () => true,
    verify: (req, res, body) => {
      const refusal = noRoomFor(req, res, body.length) ?? unparsableBody(body);
      if (refusal) throw Object.assign(new Error(refusal.message), { type: REFUSED_UNPARSED, refusal, status: refusal.status });
    },
  });
  return { label, bytes, parse };
}

function tooLarge(limit: BodyLimit): AppError {
  return new AppError('payload_too_large', `Request body is larger than the limit of ${limit.label}`);
}

/** A JSON body's bytes that are not UTF-8: decoded anyway, each would become U+FFFD and the text sent on would not be the one written. */
function notUtf8(): AppError {
  return unreadableBody('Request body is not valid UTF-8: JSON bodies must be UTF-8 encoded');
}

/**
 * Reads a JSON body into `req.body` (left undefined when the request has
 * none). Refusals are AppErrors: not JSON, not UTF-8, too large, unreadable,
 * malformed, or nested deeper than MAX_JSON_DEPTH (refused before the
 * validation pipe's recursive passes could overflow the stack).
 *
 * A body whose Content-Length is past `limit` is refused without being read.
 * An uncompressed body of known length within it — nearly every request — is
 * read and parsed here, without body-parser's per-request machinery.
 * Everything else (a compressed or chunked body, a byte-order mark, anything
 * JSON.parse or body-parser's strict mode would refuse) goes to body-parser,
 * live or replaying the bytes already read, so every refusal reads as
 * body-parser words it.
 */
export function readJsonBody(req: Request, res: Response, limit = BODY_LIMIT): Promise<void> {
  if (!hasBody(req)) return Promise.resolve();
  const refusal = unsupportedMediaType(req.headers['content-type']);
  if (refusal) return Promise.reject(refusal);
  const length = Number(req.headers['content-length']);
  const plain = req.headers['content-encoding'] === undefined && req.headers['transfer-encoding'] === undefined;
  // announced too large: refused at once, not once the whole body has come in (Node reads off the rest after the answer)
  if (plain && length > limit.bytes) return Promise.reject(tooLarge(limit));
  if (!plain || !Number.isSafeInteger(length)) return readWithBodyParser(req, res, limit);
  // held before it is read, so a body the process has no room for is refused at once, as one too large is
  const noRoom = noRoomFor(req, res, length);
  if (noRoom) return Promise.reject(noRoom);
  return new Promise<void>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const read = stalledBodies.watch(req, refuseMidRead(res, reject));
    req.on('data', (chunk: Buffer) => {
      stalledBodies.touch(read);
      chunks.push(chunk);
      received += chunk.length;
    });
    req.once('error', () => {
      stalledBodies.done(req);
      reject(bodyReadError({ type: 'request.aborted', message: 'request aborted' }, limit));
    });
    req.once('end', () => {
      stalledBodies.done(req);
      const bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received);
      const refusal = unparsableBody(bytes);
      if (refusal) return reject(refusal);
      const body = parsedAsBodyParserWould(bytes);
      if (body === undefined) {
        replayToBodyParser(req, res, bytes, limit).then(resolve, reject);
        return;
      }
      req.body = body;
      resolve();
    });
  });
}

/** readJsonBody through body-parser alone (exported for the spec that holds the two to the same answers). */
export function readWithBodyParser(req: Request, res: Response, limit = BODY_LIMIT): Promise<void> {
  if (!hasBody(req)) return Promise.resolve();
  const refusal = unsupportedMediaType(req.headers['content-type']);
  if (refusal) return Promise.reject(refusal);
  return new Promise<void>((resolve, reject) => {
    // (a replayed body, read already, is no IncomingMessage)
    if (req instanceof IncomingMessage) {
      const refuse = refuseMidRead(res, reject);
      const read = stalledBodies.watch(req, refuse);
      let received = 0;
      let refused = false;
      req.on('data', (chunk: Buffer) => {
        stalledBodies.touch(read);
        // a body of unknown length is held as it comes in, so one there is no room for stops coming in
        received += chunk.length;
        if (refused) return;
        const noRoom = noRoomFor(req, res, received);
        if (!noRoom) return;
        refused = true;
        stalledBodies.done(req);
        refuse(noRoom);
      });
    }
    limit.parse(req, res, (error?: unknown) => {
      stalledBodies.done(req);
      if (error) return reject(bodyReadError(error, limit));
      resolve();
    });
  });
}

/** The parsed body when body-parser would accept it as it is (an object or array, no BOM); undefined when it is up to body-parser to say what is wrong. */
function parsedAsBodyParserWould(bytes: Buffer): unknown {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return undefined;
  const text = bytes.toString('utf8');
  const first = /^[ \t\n\r]*(.)/.exec(text)?.[1];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function replayToBodyParser(req: Request, res: Response, bytes: Buffer, limit: BodyLimit): Promise<void> {
  const copy = Object.assign(Readable.from([bytes]), { headers: req.headers }) as unknown as Request;
  return readWithBodyParser(copy, res, limit).then(() => {
    req.body = copy.body as unknown;
  });
}

function tooDeep(): AppError {
  return unreadableBody(`Request body is nested more than ${MAX_JSON_DEPTH} levels deep`);
}

/** Holds a body for its call (body-memory.ts): the refusal when there is no room for it. */
function noRoomFor(req: IncomingMessage, res: ServerResponse, bytes: number): AppError | undefined {
  const client = (req as RequestWithCaller).caller?.clientId;
  const noRoom = bodyMemory.hold(res, bytes, client);
  if (!noRoom) return undefined;
  const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(1)} MB`;
  const whose =
    noRoom === 'client'
      ? `This client is holding ${mb(bodyMemory.bytesHeld(client))} of request bodies in calls not yet answered, ` +
        `near the ${mb(bodyMemory.clientBudgetBytes)} one client may hold at once`
      : `The server is holding ${mb(bodyMemory.bytesHeld())} of request bodies, near the ${mb(bodyMemory.budgetBytes)} it holds at once`;
  return new AppError('server_busy', `${whose}, and has no room for this one (${mb(bytes)}): send it again shortly`, [], 1);
}

function tooManyItems(): AppError {
  const most = MAX_JSON_ITEMS.toLocaleString('en-US');
  return new AppError(
    'payload_too_large',
    `Request body holds more than ${most} JSON keys and values (each object, array, string, number, boolean and null counts)`,
  );
}

/** A body refused as a whole: the validation error names `body`, its detail saying what the message says. */
function unreadableBody(message: string): AppError {
  return new AppError('validation_error', message, [{ field: 'body', message }]);
}

/**
 * Reads JSON bodies after the route's guard, so a request that is not let in (no API key, a wrong
 * admin token) is refused before its body is parsed: parsing a large body holds the process for
 * as long as it takes, and nobody unknown gets to make it do that. A route that takes no
 * credentials reads at most PUBLIC_BODY_LIMIT, and a route no handler answers reads none.
 * Every refusal leaves through the one exception filter in its route's envelope.
 */
@Injectable()
export class JsonBodyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const open = this.reflector.getAllAndOverride<unknown>(AUTH_KIND, [context.getHandler(), context.getClass()]) === undefined;
    const read = readJsonBody(http.getRequest<Request>(), http.getResponse<Response>(), open ? PUBLIC_BODY_LIMIT : BODY_LIMIT);
    return from(read).pipe(switchMap(() => next.handle()));
  }
}
