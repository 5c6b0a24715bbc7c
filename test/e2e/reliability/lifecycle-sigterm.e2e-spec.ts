import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { connectionRefused } from '@test/support/net';
import { waitUntil } from '@test/support/poll';
import { ProviderSimulator, startProviderSimulator } from '@test/support/provider-simulator/server';
import { createClientKey, ensureServerBuilt, ServerProcess, startServer } from '@test/support/server-process';

jest.setTimeout(180_000);

/** Generous beside what a stop needs (a few hundred ms): a correctness bound on a loaded machine, not a speed figure. */
const EXIT_BOUND_MS = 20_000;

interface Outcome {
  status: number;
  requestId: string | null;
  text: string;
  finishedAt: number;
}

/** One slow text call of the generate API; the simulator directive rides in the prompt. */
async function generate(url: string, key: string, directive: string): Promise<Outcome> {
  const res = await fetch(`${url}/api/v1/llm/generate`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: `lifecycle probe [[sim:${directive}]]`, model: 'openai/gpt-4o-mini' }),
    signal: AbortSignal.timeout(150_000),
  });
  const text = await res.text();
  return { status: res.status, requestId: res.headers.get('x-request-id'), text, finishedAt: Date.now() };
}

/** One streamed chat completion; `started` resolves once its headers arrived. */
function stream(url: string, key: string, directive: string): { started: Promise<void>; done: Promise<Outcome> } {
  let started!: () => void;
  const startedPromise = new Promise<void>((r) => (started = r));
  const done = (async (): Promise<Outcome> => {
    const res = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: `lifecycle stream [[sim:${directive}]]` }] }),
      signal: AbortSignal.timeout(150_000),
    });
    started();
    const text = await res.text();
    return { status: res.status, requestId: res.headers.get('x-request-id'), text, finishedAt: Date.now() };
  })();
  done.catch(() => started());
  return { started: startedPromise, done };
}

/** A raw connection to the server, to see what happens to it (closed by the server, refused, answered). */
class RawConnection {
  received = '';
  closedAt: number | undefined;
  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => (this.received += chunk.toString()));
    socket.on('close', () => (this.closedAt = Date.now()));
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

async function rows(dbUrl: string): Promise<{ id: string; status: string; is_stream: boolean; error_code: string | null }[]> {
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows: found } = await pg.query(`SELECT id::text, status, is_stream, error_code FROM llm_generation_log ORDER BY created_at`);
    return found;
  } finally {
    await pg.end();
  }
}

function exitOf(server: ServerProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      resolve({ code: server.child.exitCode, signal: server.child.signalCode, at: Date.now() });
      return;
    }
    server.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
}

/**
 * SIGTERM to the built server while calls are in flight, as an orchestrator
 * stops an instance: calls in flight finish (each with its usage record),
 * new connections are refused, a request that still arrives on an open
 * connection is answered 503 `shutting_down` with `Connection: close`, idle
 * keep-alive connections are closed, and the process exits 0. Calls still
 * running when SHUTDOWN_GRACE_MS ends are aborted and recorded as cancelled.
 */
describe('stopping the built server with SIGTERM under load (e2e)', () => {
  let sim: ProviderSimulator;
  const servers: ServerProcess[] = [];
  const databases: TestDatabase[] = [];
  const dataDirs: string[] = [];
  const sockets: RawConnection[] = [];

  async function serve(graceMs: number): Promise<{ server: ServerProcess; db: TestDatabase; key: string }> {
    const db = await createTestDatabase();
    databases.push(db);
    const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-e2e-sigterm-'));
    dataDirs.push(dataDir);
    const server = await startServer(
      { DATABASE_URL: db.url, DATA_DIR: dataDir },
      { MOCK_PROVIDER: 'off', OPENAI_API_KEY: 'sk-sim', OPENAI_BASE_URL: `${sim.url}/v1`, SHUTDOWN_GRACE_MS: String(graceMs), LOG_LEVEL: 'info' },
    );
    servers.push(server);
    const { key } = await createClientKey(server.url);
    // the first call of a process loads the tokenizer; it is not part of the load
    expect((await generate(server.url, key, 'latency_ms=0')).status).toBe(200);
    sim.reset();
    return { server, db, key };
  }

  beforeAll(async () => {
    ensureServerBuilt();
    sim = await startProviderSimulator();
  }, 180_000);

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await Promise.all(servers.map((s) => s.kill9()));
    await sim?.close();
    for (const db of databases) await db.drop().catch(() => undefined);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('finishes every in-flight call with its record, refuses new work, closes idle connections and exits 0', async () => {
    const { server, db, key } = await serve(60_000);

    // an idle keep-alive connection, and one whose request is still arriving (headers not complete)
    const idle = await RawConnection.open(server.port);
    sockets.push(idle);
    idle.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitUntil(() => idle.received.includes('"status":"ok"'), 'the idle connection got its first answer');
    const late = await RawConnection.open(server.port);
    sockets.push(late);
    const lateBody = JSON.stringify({ prompt: 'arrived during the stop', model: 'openai/gpt-4o-mini' });
    late.write(`POST /api/v1/llm/generate HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: ${key}\r\ncontent-type: application/json\r\n`);

    // 16 slow calls and 4 slow streams, all in flight upstream before the signal; they run for 15 s
    // from the simulator's first sight of them, so that on a loaded machine none ends before the
    // signal and the closes below (the server's output and `earliestAnswer` check that none did)
    const calls = Array.from({ length: 16 }, () => generate(server.url, key, 'latency_ms=15000'));
    const streams = Array.from({ length: 4 }, () => stream(server.url, key, 'chunks=30;chunk_delay_ms=500'));
    await waitUntil(() => sim.requests.length === 20, 'all 20 calls reached the provider', { timeoutMs: 30_000 });
    await Promise.all(streams.map((s) => s.started));

    const exited = exitOf(server);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');

    // new connections are refused at once; idle keep-alive connections are closed
    await waitUntil(() => connectionRefused(server.port), 'new connections are refused', { timeoutMs: 10_000 });
    await waitUntil(() => idle.closedAt !== undefined, 'the idle keep-alive connection is closed', { timeoutMs: 10_000 });
    // a request that still arrives on an open connection is not processed: 503, and the connection closes
    late.write(`content-length: ${Buffer.byteLength(lateBody)}\r\n\r\n${lateBody}`);
    await waitUntil(() => late.closedAt !== undefined, 'the late request is answered and its connection closed', { timeoutMs: 10_000 });

    const outcomes = await Promise.all([...calls, ...streams.map((s) => s.done)]);
    const exit = await exited;
    const earliestAnswer = Math.min(...outcomes.map((o) => o.finishedAt));

    expect(outcomes.map((o) => o.status)).toEqual(Array(20).fill(200));
    // the closes happened while the calls were still running, not at the end
    expect(idle.closedAt!).toBeLessThan(earliestAnswer);
    for (const s of outcomes.slice(16)) expect(s.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(late.received).toMatch(/^HTTP\/1\.1 503 /);
    expect(late.received).toMatch(/\r\nconnection: close\r\n/i);
    expect(late.received).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(late.received).toContain('"code":"shutting_down"');
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(60_000 + EXIT_BOUND_MS);

    // one committed record per answered call (plus the warm-up); none for the refused request
    const stored = await rows(db.url);
    const answered = outcomes.map((o) => o.requestId);
    expect(stored.filter((r) => answered.includes(r.id)).map((r) => [r.status, r.is_stream])).toEqual(
      expect.arrayContaining([...Array(16).fill(['success', false]), ...Array(4).fill(['success', true])]),
    );
    expect(stored.filter((r) => answered.includes(r.id))).toHaveLength(20);
    expect(stored).toHaveLength(21);
    expect(server.output()).toContain('Stopped (20 in-flight requests finished)');
  });

  it('aborts the calls still running when the grace ends, records them as cancelled, and exits 0', async () => {
    const graceMs = 1_500;
    const { server, db, key } = await serve(graceMs);

    // a cut connection makes fetch throw (a TypeError of another realm than the test's: compared by text)
    const cut = (): 'cut' => 'cut';
    const calls = Array.from({ length: 2 }, () => generate(server.url, key, 'latency_ms=120000').catch(cut));
    const slowStream = stream(server.url, key, 'chunks=200;chunk_delay_ms=500');
    const streamDone = slowStream.done.catch(cut);
    await waitUntil(() => sim.requests.length === 3, 'the 3 calls reached the provider', { timeoutMs: 30_000 });
    await slowStream.started;

    const exited = exitOf(server);
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const exit = await exited;
    const [first, second, streamed] = await Promise.all([...calls, streamDone]);

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(graceMs + EXIT_BOUND_MS);
    // the client sees its connection cut: no answer for a text call, a stream without its final event
    expect([first, second]).toEqual(['cut', 'cut']);
    if (streamed !== 'cut') expect(streamed.text).not.toContain('[DONE]');
    // the upstream calls were aborted, not left running
    await waitUntil(() => sim.requests.every((r) => r.aborted), 'the simulator saw every upstream call aborted', { timeoutMs: 10_000 });

    const stored = await rows(db.url);
    expect(
      stored
        .slice(1)
        .map((r) => [r.status, r.is_stream, r.error_code])
        .sort(),
    ).toEqual([
      ['cancelled', false, 'client_closed_request'],
      ['cancelled', false, 'client_closed_request'],
      ['cancelled', true, 'client_closed_request'],
    ]);
    expect(server.output()).toContain('3 of 3 requests were still running after 1500 ms (SHUTDOWN_GRACE_MS): aborted, recorded as cancelled');
  });
});
