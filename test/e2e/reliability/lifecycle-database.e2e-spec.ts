import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { TcpProxy } from '@test/integration/billing/tcp-proxy';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil, waitUntil } from '@test/support/poll';
import { createClientKey, ensureServerBuilt, LoadResult, runLoad, ServerProcess, startServer, warmUp } from '@test/support/server-process';

jest.setTimeout(180_000);

/** Generous beside what a stop needs: a correctness bound on a loaded machine, not a speed figure. */
const EXIT_BOUND_MS = 20_000;
const GRACE_MS = 10_000;

async function rowCounts(dbUrl: string): Promise<{ total: number; perId: Map<string, number> }> {
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ id: string; n: number }>(`SELECT id::text AS id, count(*)::int AS n FROM llm_generation_log GROUP BY id`);
    return { total: rows.reduce((sum, r) => sum + r.n, 0), perId: new Map(rows.map((r) => [r.id, r.n])) };
  } finally {
    await pg.end();
  }
}

async function receivedMore(live: LoadResult, n: number): Promise<void> {
  const target = live.received.length + n;
  await waitUntil(() => live.received.length >= target, `${n} more responses arrived`, { timeoutMs: 30_000, intervalMs: 50 });
}

/**
 * The database goes away (a proxy in front of it is cut) while the built
 * server is under load, and the server is stopped with SIGTERM before it
 * comes back: calls are answered throughout, the stop is clean, and once the
 * database is back the next start stores exactly one record per 2xx the
 * clients received, and nothing else.
 */
describe('database unreachable, then SIGTERM, under load (e2e)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  // the database URL through the proxy
  let proxiedUrl: string;
  let dataDir: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
    ({ proxy, url: proxiedUrl } = await TcpProxy.inFrontOf(db.url));
    dataDir = mkdtempSync(join(tmpdir(), 'llmhub-e2e-dbdown-'));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill9()));
    await proxy?.down().catch(() => undefined);
    await db?.drop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers while the database is gone, stops cleanly, and the next start stores one record per delivered 2xx', async () => {
    const first = await startServer({ DATABASE_URL: proxiedUrl, DATA_DIR: dataDir }, { SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    servers.push(first);
    const { key } = await createClientKey(first.url);
    await warmUp(first.url, key);

    let stop!: () => void;
    const load = runLoad({ url: first.url, key, loops: 6, streamLoops: 2, until: new Promise<void>((r) => (stop = r)) });
    await receivedMore(load.live, 30);
    await proxy.down();
    const downAt = Date.now();
    await receivedMore(load.live, 60);

    // not ready (the database is unreachable), yet answering calls
    const ready = await pollUntil(
      () => fetch(`${first.url}/health/ready`, { signal: AbortSignal.timeout(10_000) }).then(async (r) => ({ status: r.status, body: await r.json() })),
      (r) => r.status === 503,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    expect(ready).toMatchObject({ status: 503, body: { checks: { database: 'unreachable' } } });

    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
      first.child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const signalledAt = Date.now();
    first.child.kill('SIGTERM');
    stop();
    const result = await load.done;
    const exit = await exited;

    const duringOutage = result.received.filter((r) => r.at > downAt).length;
    expect(duringOutage).toBeGreaterThanOrEqual(60);
    expect(result.received.some((r) => r.stream && r.at > downAt)).toBe(true);
    // after the signal a loop meets a refused connection, or a 503 shutting_down on a connection it still held; never anything else
    expect(Object.keys(Object.fromEntries(result.refused)).filter((status) => status !== '503')).toEqual([]);
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(GRACE_MS + EXIT_BOUND_MS);

    // the database is back; the next start replays what the stopped one spooled
    await proxy.up();
    servers.push(await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir }));
    const delivered = result.received.map((r) => r.id);
    const counts = await pollUntil(
      () => rowCounts(db.url),
      (c) => delivered.every((id) => c.perId.has(id)),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    expect(delivered.filter((id) => counts.perId.get(id) !== 1)).toEqual([]);
    // exactly the delivered 2xx (and the two warm-up calls): no record of a call no client received, none twice
    expect(counts.total).toBe(delivered.length + 2);
  });
});
