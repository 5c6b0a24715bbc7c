import { Readable } from 'node:stream';
import type { Request, Response } from 'express';
import { AppError } from '@src/common/errors/app-error';
import { readJsonBody, readWithBodyParser } from '@src/common/http/json-body.middleware';

type Reader = (req: Request, res: Response) => Promise<void>;

/** A request carrying `body` in the given chunks, with a Content-Length unless `chunked`. */
function requestOf(chunks: Buffer[], headers: Record<string, string> = {}, chunked = false): Request {
  const length = chunks.reduce((n, c) => n + c.length, 0);
  const base = { 'content-type': 'application/json', ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) }) };
  return Object.assign(Readable.from(chunks), { headers: { ...base, ...headers } }) as unknown as Request;
}

async function outcome(read: Reader, req: Request): Promise<{ body?: unknown; error?: { code: string; message: string; status: number } }> {
  try {
    await read(req, {} as Response);
    return { body: req.body as unknown };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error: { code: error.code, message: error.message, status: error.status } };
  }
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

  it('leaves the body undefined when there is none', async () => {
    const req = Object.assign(Readable.from([]), { headers: { 'content-length': '0' } }) as unknown as Request;
    expect(await outcome(readJsonBody, req)).toEqual({ body: undefined });
  });
});
