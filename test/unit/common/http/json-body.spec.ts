import { EventEmitter } from 'node:events';
import { IncomingMessage, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';
import { AppError } from '@src/common/errors/app-error';
import { bodyMemory } from '@src/common/http/body-memory';
import { BODY_IDLE_TIMEOUT_MS, MAX_JSON_ITEMS, PUBLIC_BODY_LIMIT, readJsonBody, readWithBodyParser } from '@src/common/http/json-body';

type Reader = (req: Request, res: Response) => Promise<void>;

/** A request carrying `body` in the given chunks, with a Content-Length unless `chunked`. */
function requestOf(chunks: Buffer[], headers: Record<string, string> = {}, chunked = false): Request {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const base = { 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) }) };
  return Object.assign(Readable.from(chunks), { headers: { ...base, ...headers } }) as unknown as Request;
}

async function outcome(read: Reader, req: Request): Promise<{ body?: unknown; error?: { code: string; message: string; status: number } }> {
  try {
    await read(req, new EventEmitter() as unknown as Response);
    return { body: req.body as unknown };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error: { code: error.code, message: error.message, status: error.status } };
  }
}

/** A response that keeps the headers set on it, and ends (emits close) when a test says. */
function responseRecorder(): Response & EventEmitter & { headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  return Object.assign(new EventEmitter(), {
    headers,
    headersSent: false,
    setHeader: (name: string, value: string) => (headers[name.toLowerCase()] = value),
  }) as never;
}

const deep = '['.repeat(80) + ']'.repeat(80);

describe('readJsonBody: read directly, answering exactly as body-parser would', () => {
  it.each([
    ['an object', ['{"model":"m","messages":[{"role":"user","content":"hé"}]}']],
    ['an object in several chunks, split inside a character', [Buffer.from('{"a":"h'), Buffer.from([0xc3]), Buffer.from([0xa9, 0x22, 0x7d])]],
    ['an array', ['[1,2]']],
    ['leading whitespace', ['\n\t {"a":1}']],
    ['a byte-order mark', [Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')])]],
    ['malformed JSON', ['{"model": ']],
    ['a top-level string (strict mode)', ['"hello"']],
    ['a top-level number', ['42']],
    ['only whitespace', ['   ']],
    ['nested too deep', [deep]],
    ['invalid UTF-8', [Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])]],
  ])('%s', async (_name, parts) => {
    const chunks = parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p));
    const direct = await outcome(readJsonBody, requestOf(chunks));
    expect(direct).toEqual(await outcome(readWithBodyParser, requestOf(chunks)));
  });

  it('reads a chunked body, and refuses a wrong media type or charset, as body-parser does', async () => {
    const chunks = [Buffer.from('{"a":'), Buffer.from('1}')];
    expect(await outcome(readJsonBody, requestOf(chunks, {}, true))).toEqual({ body: { a: 1 } });
    for (const headers of [{ 'content-type': 'text/plain' }, { 'content-type': 'application/json; charset=latin1' }]) {
      const direct = await outcome(readJsonBody, requestOf(chunks, headers));
      expect(direct.error?.code).toBe('unsupported_media_type');
      expect(direct).toEqual(await outcome(readWithBodyParser, requestOf(chunks, headers)));
    }
  });

  it.each([
    ['read directly', {}],
    ['read by body-parser (chunked)', { 'transfer-encoding': 'chunked' }],
  ])('refuses a body that is not UTF-8, %s, rather than send on U+FFFD for its bytes', async (_name, headers) => {
    // {"prompt":"café"} written in Latin-1
    const latin1 = Buffer.from('{"prompt":"caf\u00e9"}', 'latin1');
    const { 'transfer-encoding': chunked, ...rest } = headers as Record<string, string>;
    expect(await outcome(readJsonBody, requestOf([latin1], rest, chunked !== undefined))).toEqual({
      error: { code: 'validation_error', status: 422, message: 'Request body is not valid UTF-8: JSON bodies must be UTF-8 encoded' },
    });
  });

  it('leaves the body undefined when there is none', async () => {
    const req = Object.assign(Readable.from([]), { headers: { 'content-length': '0' } }) as unknown as Request;
    expect(await outcome(readJsonBody, req)).toEqual({ body: undefined });
  });
});

describe('the size a route reads', () => {
  const object = (bytes: number) => Buffer.from(JSON.stringify({ token: 'x'.repeat(bytes - 12) }));

  it('refuses a body announced larger than the limit at once, without reading it', async () => {
    const req = requestOf([object(64 * 1024 + 1)]);
    expect(await outcome((r, res) => readJsonBody(r, res, PUBLIC_BODY_LIMIT), req)).toEqual({
      error: { code: 'payload_too_large', status: 413, message: 'Request body is larger than the limit of 64KB' },
    });
    expect((req as unknown as Readable).readableDidRead).toBe(false);

    const announced = Object.assign(Readable.from([Buffer.from('{')]), {
      headers: { 'content-type': 'application/json', 'content-length': String(21 * 1024 * 1024) },
    }) as unknown as Request;
    expect((await outcome(readJsonBody, announced)).error).toEqual({
      code: 'payload_too_large',
      status: 413,
      message: 'Request body is larger than the limit of 20MB',
    });
  });

  it('refuses a chunked body that grows past the limit, and reads one within it', async () => {
    const public64k = (r: Request, res: Response) => readJsonBody(r, res, PUBLIC_BODY_LIMIT);
    expect((await outcome(public64k, requestOf([object(40 * 1024), object(40 * 1024)], {}, true))).error?.code).toBe('payload_too_large');
    expect((await outcome(public64k, requestOf([object(64 * 1024)]))).body).toEqual({ token: 'x'.repeat(64 * 1024 - 12) });
  });
});

describe('the keys and values a body holds', () => {
  /** `{"n":1,"items":[{"k0":0},{"k1":1},…]}`: 5 + 3 × count keys and values (200,000 with 66,665 objects) */
  const keyedApart = (count: number) => Buffer.from(`{"n":1,"items":[${Array.from({ length: count }, (_, i) => `{"k${i}":${i}}`).join(',')}]}`);
  const refusal = {
    code: 'payload_too_large',
    status: 413,
    message:
      `Request body holds more than ${MAX_JSON_ITEMS.toLocaleString('en-US')} JSON keys and values ` +
      '(each object, array, string, number, boolean and null counts)',
  };

  it.each([
    ['read directly', {}, false],
    ['read by body-parser (chunked)', {}, true],
    ['read by body-parser (gzip, counted once inflated)', { 'content-encoding': 'gzip' }, false],
  ])('refuses one past the bound and reads one at it, %s', async (_name, headers, chunked) => {
    const encode = (bytes: Buffer) => ('content-encoding' in headers ? gzipSync(bytes) : bytes);
    const past = (MAX_JSON_ITEMS - 5) / 3 + 1;
    expect(await outcome(readJsonBody, requestOf([encode(keyedApart(past))], headers, chunked))).toEqual({ error: refusal });
    const at = await outcome(readJsonBody, requestOf([encode(keyedApart(past - 1))], headers, chunked));
    expect(at.error).toBeUndefined();
    expect((at.body as { items: unknown[] }).items).toHaveLength(past - 1);
  });
});

describe('the bodies the process holds at once', () => {
  const answered: EventEmitter[] = [];
  /** Holds all but `room` bytes of the budget, as calls still being answered would. */
  function fillAllBut(room: number): void {
    const call = new EventEmitter();
    answered.push(call);
    expect(bodyMemory.hold(call as ServerResponse, bodyMemory.budgetBytes - bodyMemory.bytesHeld() - room)).toBeUndefined();
  }
  afterEach(() => answered.splice(0).forEach((call) => call.emit('close')));

  const object = (bytes: number) => Buffer.from(JSON.stringify({ text: 'x'.repeat(bytes - 11) }));

  it.each([
    ['read directly', {}, false],
    ['read by body-parser (chunked)', {}, true],
    ['read by body-parser (gzip, held once inflated)', { 'content-encoding': 'gzip' }, false],
  ])('refuses a large body it has no room for with 503 server_busy, and reads it once calls are answered, %s', async (_name, headers, chunked) => {
    const body = object(1024 * 1024);
    const encode = (bytes: Buffer) => ('content-encoding' in headers ? gzipSync(bytes) : bytes);
    fillAllBut(body.length - 1);
    const refused = await outcome(readJsonBody, requestOf([encode(body)], headers, chunked));
    expect(refused.error).toEqual({
      code: 'server_busy',
      status: 503,
      message: expect.stringMatching(/has no room for this one \(1\.0 MB\): send it again shortly$/),
    });

    answered.splice(0).forEach((call) => call.emit('close'));
    fillAllBut(body.length);
    expect((await outcome(readJsonBody, requestOf([encode(body)], headers, chunked))).body).toEqual(JSON.parse(body.toString()));
  });

  it('refuses a chunked body once it grows past the room there is, without waiting for the rest, and closes its connection', async () => {
    fillAllBut(100 * 1024);
    const req = Object.assign(new IncomingMessage(new Socket()), { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } });
    const res = responseRecorder();
    const reading = outcome((r) => readJsonBody(r, res), req as unknown as Request);
    req.push(Buffer.from(`{"text":"${'x'.repeat(64 * 1024)}`));
    req.push(Buffer.from('x'.repeat(64 * 1024)));
    // the body never ends: the refusal does not wait for it
    expect((await reading).error).toEqual({ code: 'server_busy', status: 503, message: expect.stringContaining('(0.1 MB): send it again shortly') });
    expect(res.headers.connection).toBe('close');
    res.emit('close');
  });

  it('lets no one client hold more than half of it: its next large body is refused, another client’s read', async () => {
    const body = object(1024 * 1024);
    const call = new EventEmitter();
    answered.push(call);
    expect(bodyMemory.hold(call as ServerResponse, bodyMemory.clientBudgetBytes - body.length + 1, 'client-a')).toBeUndefined();
    const from = (client: string) => Object.assign(requestOf([body]), { caller: { clientId: client } });
    expect((await outcome(readJsonBody, from('client-a'))).error).toEqual({
      code: 'server_busy',
      status: 503,
      message: expect.stringMatching(/^This client is holding .* of request bodies in calls not yet answered, near the .* one client may hold at once/),
    });
    expect((await outcome(readJsonBody, from('client-b'))).body).toEqual(JSON.parse(body.toString()));
    call.emit('close');
    expect(bodyMemory.bytesHeld('client-a')).toBe(0);
    expect((await outcome(readJsonBody, from('client-a'))).body).toEqual(JSON.parse(body.toString()));
  });

  it('never refuses a small body, however many large ones are held', async () => {
    fillAllBut(0);
    const small = object(64 * 1024);
    expect((await outcome(readJsonBody, requestOf([small]))).body).toEqual(JSON.parse(small.toString()));
  });

  it('holds a large body until its answer ends, once however many times it is read', async () => {
    const before = bodyMemory.bytesHeld();
    const large = object(100 * 1024);
    const res = new EventEmitter();
    await readJsonBody(requestOf([large]), res as unknown as Response);
    // a body read twice (replayed to body-parser, whose check holds it again) is held once
    await readWithBodyParser(requestOf([large]), res as unknown as Response);
    expect(bodyMemory.bytesHeld()).toBe(before + large.length);
    res.emit('close');
    expect(bodyMemory.bytesHeld()).toBe(before);
  });
});

describe('a body that stops arriving', () => {
  afterEach(() => jest.useRealTimers());

  /** The module afresh, its one watch timer under jest's fake timers. */
  function freshReader(): typeof readJsonBody {
    jest.useFakeTimers();
    let fresh: typeof readJsonBody | undefined;
    jest.isolateModules(() => {
      fresh = jest.requireActual<{ readJsonBody: typeof readJsonBody }>('@src/common/http/json-body').readJsonBody;
    });
    return fresh!;
  }

  /** A request whose body sends its first bytes and then nothing more, as a stalled client's. */
  function stalledRequest(headers: Record<string, string>): Request {
    const req = Object.assign(new IncomingMessage(new Socket()), { headers: { 'content-type': 'application/json', ...headers } });
    req.push(Buffer.from('{"model":'));
    return req as unknown as Request;
  }

  it.each([
    ['of known length (read directly)', { 'content-length': '100' }],
    ['chunked (read by body-parser)', { 'transfer-encoding': 'chunked' }],
  ])('%s is refused 408 request_timeout after 30 s without a byte, and its connection closed', async (_name, headers) => {
    const read = freshReader();
    const res = responseRecorder();
    let settled: { code?: string; status?: number; message?: string } | 'read' | undefined;
    read(stalledRequest(headers), res).then(
      () => (settled = 'read'),
      (error: { code?: string; status?: number; message?: string }) => (settled = error),
    );
    await jest.advanceTimersByTimeAsync(BODY_IDLE_TIMEOUT_MS - 2_000);
    expect(settled).toBeUndefined();
    await jest.advanceTimersByTimeAsync(3_000);
    expect(settled).toMatchObject({ code: 'request_timeout', status: 408, message: expect.stringContaining('no byte for 30 s') });
    expect(res.headers.connection).toBe('close');
  });

  it('a slow body that keeps arriving is read whole', async () => {
    const read = freshReader();
    const req = stalledRequest({ 'content-length': String('{"model":"m"}'.length) });
    const reading = read(req, responseRecorder());
    await jest.advanceTimersByTimeAsync(BODY_IDLE_TIMEOUT_MS - 5_000);
    (req as unknown as IncomingMessage).push(Buffer.from('"m'));
    await jest.advanceTimersByTimeAsync(BODY_IDLE_TIMEOUT_MS - 5_000);
    (req as unknown as IncomingMessage).push(Buffer.from('"}'));
    (req as unknown as IncomingMessage).push(null);
    await reading;
    expect(req.body).toEqual({ model: 'm' });
  });
});
