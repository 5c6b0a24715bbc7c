import { createServer, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { providerFetch, providerRequest, ProviderResponse } from '@src/llm/providers/http-transport';
import { ProviderError } from '@src/llm/providers/llm-provider';
import { waitUntil } from '@test/support/poll';

type Handler = (res: ServerResponse) => void;

/** A provider that answers each request with whatever the test's handler writes. */
async function startProvider(): Promise<{ server: Server; url: string; answer(handler: Handler): void }> {
  let handler: Handler = (res) => res.end();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat`,
    answer: (next) => (handler = next),
  };
}

/** Resolves once `value()` has not changed for 300 ms. */
async function settled(value: () => number): Promise<void> {
  for (let last = -1, still = 0; still < 6;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    still = value() === last ? still + 1 : 0;
    last = value();
  }
}

const call = (send: ReturnType<typeof providerRequest>, signal = new AbortController().signal): Promise<ProviderResponse> =>
  send({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal, headersTimeoutMs: 5_000 });

describe('providerRequest', () => {
  let provider: Awaited<ReturnType<typeof startProvider>>;
  let send: ReturnType<typeof providerRequest>;

  beforeAll(async () => {
    provider = await startProvider();
    send = providerRequest('transport-spec', provider.url);
  });
  afterAll(() => new Promise((resolve) => provider.server.close(resolve)));

  it('reads response headers by any case, repeated ones joined, and lists them all in lower case', async () => {
    provider.answer((res) => {
      res.writeHead(200, [
        ['Content-Type', 'application/json'],
        ['X-Request-Id', 'req_1'],
        ['Set-Cookie', 'a=1'],
        ['Set-Cookie', 'b=2'],
        ['Retry-After', '7'],
      ]);
      res.end('{"ok":true}');
    });
    const res = await call(send);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('X-REQUEST-ID')).toBe('req_1');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(res.headers.get('x-missing')).toBeNull();
    expect(res.headers.has('Retry-After')).toBe(true);
    expect(res.headers.has('retry-afte')).toBe(false);
    expect(Object.fromEntries(res.headers.entries())).toMatchObject({
      'content-type': 'application/json',
      'x-request-id': 'req_1',
      'set-cookie': 'a=1, b=2',
      'retry-after': '7',
    });
    expect([...res.headers.keys()]).toEqual(expect.arrayContaining(['content-type', 'x-request-id', 'set-cookie', 'retry-after']));
    // after listing, single reads still agree
    expect(res.headers.get('Set-Cookie')).toBe('a=1, b=2');
    expect(await res.text()).toBe('{"ok":true}');
  });

  it("fails with undici's header overflow (which the gateway reports as a malformed answer) past 16 KB of response headers", async () => {
    provider.answer((res) => {
      res.setHeader('x-padding', 'a'.repeat(20 * 1024));
      res.end('{}');
    });
    await expect(call(send)).rejects.toMatchObject({ code: 'UND_ERR_HEADERS_OVERFLOW' });
    provider.answer((res) => res.end('{}'));
    expect((await call(send)).status).toBe(200);
  });

  it('asks for an answer without a content coding, and refuses a successful one that has one anyway, naming it', async () => {
    let acceptEncoding: string | undefined;
    const server = createServer((req, res) => {
      acceptEncoding = req.headers['accept-encoding'];
      req.resume();
      req.on('end', () => {
        const status = req.url?.includes('limited') ? 429 : 200;
        res.writeHead(status, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        res.end(gzipSync('{"ok":true}'));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const refused = call(providerRequest('transport-spec-gzip', `${base}/v1/chat`));
      await expect(refused).rejects.toBeInstanceOf(ProviderError);
      await expect(refused).rejects.toMatchObject({ kind: 'malformed', message: expect.stringContaining('gzip-encoded') });
      // an error answer keeps its status, whatever its body's coding
      expect((await call(providerRequest('transport-spec-gzip', `${base}/limited`))).status).toBe(429);
      const viaFetch = providerFetch('transport-spec-gzip');
      await expect(viaFetch(`${base}/v1/embeddings`, { method: 'POST', body: '{}' })).rejects.toMatchObject({ kind: 'malformed' });
      expect(acceptEncoding).toBe('identity');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops reading from the provider while its reader is behind, and loses nothing when the reader catches up', async () => {
    const CHUNKS = 2000; // 32 MB: more than the socket buffers and the 64 chunks held can take
    const piece = (i: number): string => `${String(i).padStart(5, '0')}:${'x'.repeat(16 * 1024)}\n`;
    let written = 0;
    let blocked = false;
    provider.answer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const writeMore = (): void => {
        while (written < CHUNKS) {
          if (!res.write(piece(written++))) {
            blocked = true;
            res.once('drain', writeMore);
            return;
          }
        }
        res.end();
      };
      writeMore();
    });
    const res = await call(send);
    // nobody reads: the provider's writes back up instead of filling the gateway's memory
    await waitUntil(() => blocked, 'the provider to see its writes back up', { timeoutMs: 5_000 });
    await settled(() => written);
    expect(written).toBeLessThan(CHUNKS);

    const parts: Buffer[] = [];
    for (let chunk = await res.body.read(); chunk !== null; chunk = await res.body.read()) parts.push(chunk);
    const text = Buffer.concat(parts).toString('utf8');
    expect(text).toBe(Array.from({ length: CHUNKS }, (_, i) => piece(i)).join(''));
    expect(res.body.bytesRead).toBe(Buffer.byteLength(text));
  });

  it("aborts the call when the caller's signal fires mid-answer, and the reader sees that error", async () => {
    let closed = false;
    provider.answer((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: first\n\n');
      res.on('close', () => (closed = true));
    });
    const controller = new AbortController();
    const res = await call(send, controller.signal);
    expect((await res.body.read())?.toString()).toBe('data: first\n\n');
    controller.abort(new Error('client went away'));
    await expect(res.body.read()).rejects.toThrow('client went away');
    await waitUntil(() => closed, 'the provider to see the connection closed', { timeoutMs: 5_000 });
  });

  it('never sends a call whose signal has already fired', async () => {
    let reached = false;
    provider.answer((res) => {
      reached = true;
      res.end();
    });
    const controller = new AbortController();
    controller.abort(new Error('cancelled before sending'));
    await expect(call(send, controller.signal)).rejects.toThrow('cancelled before sending');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reached).toBe(false);
  });
});
