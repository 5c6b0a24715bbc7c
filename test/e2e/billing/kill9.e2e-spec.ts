import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { KEY_CACHE_TTL_MS } from '@src/auth/key-lookup.service';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { TcpProxy } from '../../integration/billing/tcp-proxy';
import { createClientKey, ensureServerBuilt, LoadResult, runLoad, ServerProcess, startServer, warmUp } from '@test/support/server-process';

jest.setTimeout(90_000);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** How many rows llm_generation_log holds for each id (0 when none). */
async function rowsPerId(dbUrl: string, ids: string[]): Promise<Map<string, number>> {
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ id: string; n: number }>(
      `SELECT id::text AS id, count(*)::int AS n FROM llm_generation_log WHERE id = ANY($1::uuid[]) GROUP BY id`,
      [ids],
    );
    const counts = new Map(ids.map((id) => [id, 0]));
    for (const row of rows) counts.set(row.id, row.n);
    return counts;
  } finally {
    await pg.end();
  }
}

/** Waits (the spool replays in the background) until every id has a row, then answers the counts. */
async function settledRowsPerId(dbUrl: string, ids: string[], timeoutMs = 30_000): Promise<Map<string, number>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await rowsPerId(dbUrl, ids);
    if ([...counts.values()].every((n) => n > 0) || Date.now() > deadline) return counts;
    await sleep(250);
  }
}

/** Waits until the load has received `n` more responses (or the time is up: the assertions then say why). */
async function receivedMore(live: LoadResult, n: number, timeoutMs = 15_000): Promise<void> {
  const target = live.received.length + n;
  const deadline = Date.now() + timeoutMs;
  while (live.received.length < target && Date.now() < deadline) await sleep(50);
}

function summary(counts: Map<string, number>): { received: number; missing: number; duplicated: number } {
  const values = [...counts.values()];
  return { received: values.length, missing: values.filter((n) => n === 0).length, duplicated: values.filter((n) => n > 1).length };
}

function describeLoad(label: string, load: LoadResult): void {
  const streams = load.received.filter((r) => r.stream).length;
  process.stdout.write(
    `[${label}] received ${load.received.length} complete 200 responses (${streams} streams), ` +
      `${load.failures} cut or refused connections, non-200: ${JSON.stringify(Object.fromEntries(load.refused))}\n`,
  );
}

describe('durability of usage records', () => {
  const servers: ServerProcess[] = [];
  const proxies: TcpProxy[] = [];
  const databases: TestDatabase[] = [];
  const dataDirs: string[] = [];

  async function serve(databaseUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const server = await startServer({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir, ...env });
    servers.push(server);
    return server;
  }

  async function freshDatabase(): Promise<{ db: TestDatabase; dataDir: string }> {
    const db = await createTestDatabase();
    databases.push(db);
    const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-e2e-kill9-'));
    dataDirs.push(dataDir);
    return { db, dataDir };
  }

  /** The database behind a proxy that can be cut and restored. */
  async function proxied(db: TestDatabase): Promise<{ proxy: TcpProxy; url: string }> {
    const behind = await TcpProxy.inFrontOf(db.url);
    proxies.push(behind.proxy);
    return behind;
  }

  beforeAll(() => {
    ensureServerBuilt();
  }, 180_000);

  afterAll(async () => {
    // no stray servers, even when a test failed half-way
    await Promise.all(servers.map((s) => s.kill9()));
    for (const proxy of proxies) await proxy.down().catch(() => undefined);
    for (const db of databases) await db.drop().catch(() => undefined);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  // off: the database has each record committed (not yet flushed to its disk) before the answer; the gateway's death loses nothing either way
  it.each(['on', 'off'])(
    'loses no record of a response the client received when the process is killed with SIGKILL mid-load (USAGE_SYNCHRONOUS_COMMIT=%s)',
    async (commit) => {
      const { db, dataDir } = await freshDatabase();
      const first = await serve(db.url, dataDir, { USAGE_SYNCHRONOUS_COMMIT: commit });
      const { key } = await createClientKey(first.url);
      await warmUp(first.url, key);

      let killed!: () => void;
      const load = runLoad({ url: first.url, key, loops: 16, streamLoops: 4, until: new Promise<void>((r) => (killed = r)) });
      await receivedMore(load.live, 200);
      await first.kill9();
      killed();
      const result = await load.done;
      describeLoad('kill -9', result);
      expect(result.received.length).toBeGreaterThanOrEqual(200);
      expect(result.received.some((r) => r.stream)).toBe(true);

      // the restarted process replays whatever the killed one left in the spool
      await serve(db.url, dataDir);
      const counts = await settledRowsPerId(
        db.url,
        result.received.map((r) => r.id),
      );
      const outcome = summary(counts);
      process.stdout.write(`[kill -9] ${outcome.received - outcome.missing} of ${outcome.received} received responses have their row\n`);
      expect(outcome).toEqual({ received: result.received.length, missing: 0, duplicated: 0 });
    },
  );

  it('answers 200 while the database is unreachable and stores every answered call exactly once when it returns', async () => {
    const { db, dataDir } = await freshDatabase();
    const { proxy, url } = await proxied(db);
    const server = await serve(url, dataDir);
    const { key } = await createClientKey(server.url);
    await warmUp(server.url, key);

    let stop!: () => void;
    const load = runLoad({ url: server.url, key, loops: 8, streamLoops: 2, until: new Promise<void>((r) => (stop = r)) });
    await receivedMore(load.live, 50);
    const downAt = Date.now();
    await proxy.down();
    // longer than the key cache lives: known keys must keep working without the database
    await sleep(KEY_CACHE_TTL_MS + 1_000);
    await receivedMore(load.live, 100);
    const upAt = Date.now();
    await proxy.up();
    await receivedMore(load.live, 50);
    stop();
    const result = await load.done;
    describeLoad('database down', result);

    const duringOutage = result.received.filter((r) => r.at > downAt && r.at < upAt).length;
    process.stdout.write(`[database down] ${duringOutage} responses answered in the ${upAt - downAt} ms the database was unreachable\n`);
    expect(duringOutage).toBeGreaterThanOrEqual(100);
    expect(Object.fromEntries(result.refused)).toEqual({});
    expect(result.failures).toBe(0);

    const counts = await settledRowsPerId(
      db.url,
      result.received.map((r) => r.id),
    );
    expect(summary(counts)).toEqual({ received: result.received.length, missing: 0, duplicated: 0 });
  });

  it('replays at the next start the records spooled by a process killed while the database was unreachable', async () => {
    const { db, dataDir } = await freshDatabase();
    const { proxy, url } = await proxied(db);
    const first = await serve(url, dataDir);
    const { key } = await createClientKey(first.url);
    await warmUp(first.url, key);

    let killed!: () => void;
    const load = runLoad({ url: first.url, key, loops: 8, streamLoops: 2, until: new Promise<void>((r) => (killed = r)) });
    await receivedMore(load.live, 50);
    const downAt = Date.now();
    await proxy.down();
    await receivedMore(load.live, 100);
    await first.kill9();
    killed();
    const result = await load.done;
    describeLoad('killed while the database was down', result);
    const spooledOnly = result.received.filter((r) => r.at > downAt).length;
    expect(spooledOnly).toBeGreaterThanOrEqual(100);

    await proxy.up();
    await serve(url, dataDir);
    const counts = await settledRowsPerId(
      db.url,
      result.received.map((r) => r.id),
    );
    expect(summary(counts)).toEqual({ received: result.received.length, missing: 0, duplicated: 0 });
  });
});
