import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil, waitUntil } from '@test/support/poll';
import { describeWithRedisServer, RedisProcess } from '@test/support/redis-process';
import { createClientKey, ensureServerBuilt, ServerProcess, startServer } from '@test/support/server-process';

jest.setTimeout(180_000);

/** Requests per minute of the test client: small, so a burst reaches it, and its refill (one every 12 s) cannot blur a burst. */
const RPM = 5;

interface Answer {
  status: number;
  limit: string | null;
  retryAfter: string | null;
}

/**
 * Two built servers sharing one database and a throwaway Redis of the test's
 * own. The limit of a client is shared while Redis is up; with Redis stopped,
 * calls are still answered and each instance enforces the limit on its own
 * (so the two together admit up to twice the limit); once Redis is back, the
 * limit is shared again.
 */
describeWithRedisServer('rate limits when Redis stops and comes back (e2e, two built servers)', () => {
  let db: TestDatabase;
  let redis: RedisProcess;
  const servers: ServerProcess[] = [];
  const dataDirs: string[] = [];
  let key = '';

  async function call(server: ServerProcess): Promise<Answer> {
    const res = await fetch(`${server.url}/api/v1/llm/generate`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'limit probe', model: 'mock/echo' }),
      // a call waiting on an unreachable Redis would fail here, not hang the test
      signal: AbortSignal.timeout(15_000),
    });
    await res.text();
    return { status: res.status, limit: res.headers.get('x-ratelimit-limit-requests'), retryAfter: res.headers.get('retry-after') };
  }

  /** Calls the servers in turn until one answers 429; every answer before it must be a 200. */
  async function burstUntilLimited(targets: ServerProcess[]): Promise<{ admitted: number; limited: Answer; others: Answer[] }> {
    const others: Answer[] = [];
    for (let i = 0; i < 4 * RPM; i++) {
      const answer = await call(targets[i % targets.length]);
      if (answer.status === 429) return { admitted: others.length, limited: answer, others };
      others.push(answer);
    }
    throw new Error(`no 429 after ${4 * RPM} calls: ${JSON.stringify(others)}`);
  }

  async function readiness(server: ServerProcess): Promise<{ status: number; redis?: string }> {
    try {
      const res = await fetch(`${server.url}/health/ready`, { signal: AbortSignal.timeout(5_000) });
      const body = (await res.json()) as { checks?: { redis?: string } };
      return { status: res.status, redis: body.checks?.redis };
    } catch (error) {
      return { status: 0, redis: String(error) };
    }
  }

  async function allReport(redisState: string): Promise<{ status: number; redis?: string }[]> {
    return pollUntil(
      () => Promise.all(servers.map(readiness)),
      (reports) => reports.every((r) => r.redis === redisState),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
    redis = await RedisProcess.start();
    for (let i = 0; i < 2; i++) {
      const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-e2e-redis-'));
      dataDirs.push(dataDir);
      servers.push(await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir }, { REDIS_URL: redis.url }));
    }
    ({ key } = await createClientKey(servers[0].url, { rate_limit_rpm: RPM }));
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill9()));
    await redis?.stop();
    await db?.drop().catch(() => undefined);
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  });

  it('shares the limit across instances while Redis is up', async () => {
    expect(await allReport('ok')).toEqual([
      { status: 200, redis: 'ok' },
      { status: 200, redis: 'ok' },
    ]);
    const burst = await burstUntilLimited(servers);
    // alone, each instance would have admitted RPM; together they admit RPM (a refill may add one)
    expect(burst.admitted).toBeGreaterThanOrEqual(RPM);
    expect(burst.admitted).toBeLessThan(RPM + 2);
    expect(burst.others.every((a) => a.status === 200 && a.limit === String(RPM))).toBe(true);
    expect(burst.limited).toEqual({ status: 429, limit: String(RPM), retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
    // the other instance is limited too: it sees the same counter
    const other = servers[burst.admitted % 2 === 0 ? 1 : 0];
    expect((await call(other)).status).toBe(429);
  });

  it('answers every call with Redis stopped, each instance enforcing the limit on its own, and says so in /health/ready', async () => {
    await redis.stop();
    // still ready (limits degrade, the instance keeps serving), with Redis reported unreachable
    expect(await allReport('unreachable')).toEqual([
      { status: 200, redis: 'unreachable' },
      { status: 200, redis: 'unreachable' },
    ]);

    // each instance now counts alone, from a full bucket: the client gets the limit once per instance
    for (const server of servers) {
      const burst = await burstUntilLimited([server]);
      expect(burst.admitted).toBeGreaterThanOrEqual(RPM);
      expect(burst.admitted).toBeLessThan(RPM + 2);
      expect(burst.others.every((a) => a.status === 200 && a.limit === String(RPM))).toBe(true);
      expect(burst.limited).toEqual({ status: 429, limit: String(RPM), retryAfter: expect.stringMatching(/^[1-9]\d*$/) });
    }
    // log lines leave in batches (within 200 ms)
    await waitUntil(() => servers.every((server) => server.fullOutput().includes('Redis unreachable')), 'both instances logged "Redis unreachable"');
  });

  it('shares the limit again once Redis is back', async () => {
    await redis.start();
    expect(await allReport('ok')).toEqual([
      { status: 200, redis: 'ok' },
      { status: 200, redis: 'ok' },
    ]);
    // the restarted Redis is empty: the shared counter starts full again, and holds across both instances
    const burst = await burstUntilLimited(servers);
    expect(burst.admitted).toBeGreaterThanOrEqual(RPM);
    expect(burst.admitted).toBeLessThan(RPM + 2);
    expect(burst.limited.status).toBe(429);
    const other = servers[burst.admitted % 2 === 0 ? 1 : 0];
    expect((await call(other)).status).toBe(429);
    // log lines leave in batches (within 200 ms)
    await waitUntil(() => servers.every((server) => server.fullOutput().includes('Redis reachable again')), 'both instances logged "Redis reachable again"');
  });
});
