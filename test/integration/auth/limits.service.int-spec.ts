import Decimal from 'decimal.js';
import { Client } from 'pg';
import { AppError } from '@src/common/errors/app-error';
import { Admission } from '@src/auth/limits/limits.service';
import { MetricsService } from '@src/billing/metrics.service';
import Redis from 'ioredis';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil } from '@test/support/poll';
import { freePort } from '@test/support/net';
import { describeWithRedisServer, RedisProcess } from '@test/support/redis-process';
import { AuthInstance, createCaller, deleteRedisKeysOf, redisReady, startAuthInstance, TEST_REDIS_URL } from './auth-test-context';

const call = { provider: 'openai', model: 'gpt-4o-mini', estimatedInputTokens: 10, maxOutputTokens: 10, maxCostUsd: '0.01' };

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

/** Runs n admissions at once; returns the admitted ones and the rejection codes. */
async function admitMany(instance: AuthInstance, caller: Parameters<AuthInstance['limits']['admit']>[0], n: number, maxCostUsd: string) {
  const results = await Promise.allSettled(Array.from({ length: n }, () => instance.limits.admit(caller, { ...call, maxCostUsd })));
  const admitted = results.filter((r): r is PromiseFulfilledResult<Admission> => r.status === 'fulfilled').map((r) => r.value);
  const codes = results.filter((r) => r.status === 'rejected').map((r) => (r.reason as AppError).code);
  return { admitted, codes };
}

/**
 * The Redis key prefix of the budget period a client's calls were counted in, found in Redis rather than worked
 * out from the clock, which may have moved into the next month since the calls (a run at midnight UTC on the 1st).
 */
async function budgetKeyOf(redis: Redis, clientId: string): Promise<string> {
  const prefixes = new Set((await redis.keys(`llmhub:budget:{${clientId}}:*`)).map((key) => key.split(':').slice(0, 4).join(':')));
  expect(prefixes.size).toBe(1);
  const [prefix] = prefixes;
  // named by the start of a month, in UTC (the budget's default time zone)
  expect(new Date(Number(prefix.split(':')[3])).toISOString()).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);
  return prefix;
}

describe('LimitsService (real PostgreSQL and Redis)', () => {
  let db: TestDatabase;
  const clientIds: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await deleteRedisKeysOf(clientIds);
    await db.drop();
  });

  describe('with Redis', () => {
    let a: AuthInstance;
    let b: AuthInstance;
    beforeAll(async () => {
      // thousands of concurrent calls on a busy test machine can keep a reply past the usual 500 ms, and a call
      // Redis did not answer goes on without it: these tests are about the shared counters, not that (below)
      const patient = { REDIS_COMMAND_TIMEOUT_MS: '10000' };
      a = await startAuthInstance(db.url, TEST_REDIS_URL, patient);
      b = await startAuthInstance(db.url, TEST_REDIS_URL, patient);
      await Promise.all([redisReady(a), redisReady(b)]);
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('refuses the request past the RPM limit with 429 rate_limited and a Retry-After', async () => {
      const { caller, clientId } = await createCaller(a, { rate_limit_rpm: 3 });
      clientIds.push(clientId);
      const admissions = [await a.limits.admit(caller, call), await a.limits.admit(caller, call), await a.limits.admit(caller, call)];
      expect(admissions[0].headers).toMatchObject({ 'x-ratelimit-limit-requests': '3', 'x-ratelimit-remaining-requests': '2' });
      expect(admissions[2].headers['x-ratelimit-remaining-requests']).toBe('0');
      const error = await rejection(a.limits.admit(caller, call));
      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterS).toBeGreaterThanOrEqual(1);
      expect(error.retryAfterS).toBeLessThanOrEqual(20);
    });

    it('claims no empty token bucket on an RPM refusal of a client with both limits', async () => {
      const { caller, clientId } = await createCaller(a, { rate_limit_rpm: 1, rate_limit_tpm: 100_000 });
      clientIds.push(clientId);
      await a.limits.admit(caller, call);
      const error = await rejection(a.limits.admit(caller, call));
      expect(error.message).toMatch(/1 requests per minute/);
      const headers = (error as AppError & { headers?: Record<string, string> }).headers ?? {};
      expect(headers['x-ratelimit-remaining-requests']).toBe('0');
      // the tokens bucket was not read: no claim that it is empty (it was 0 tokens left, full again in 61 s)
      expect(headers['x-ratelimit-remaining-tokens']).not.toBe('0');
      expect(headers['x-ratelimit-reset-tokens']).not.toBe('61s');
    });

    it('reserves input estimate plus max_tokens against the TPM limit and gives back what the call did not use', async () => {
      const { caller, clientId } = await createCaller(a, { rate_limit_tpm: 1000 });
      clientIds.push(clientId);
      const req = { ...call, estimatedInputTokens: 300, maxOutputTokens: 200 };
      const first = await a.limits.admit(caller, req);
      expect(first.headers).toMatchObject({ 'x-ratelimit-limit-tokens': '1000', 'x-ratelimit-remaining-tokens': '500' });
      await a.limits.admit(caller, req);
      expect((await rejection(a.limits.admit(caller, req))).code).toBe('rate_limited');
      // the call failed before any token was used: its whole reservation comes back
      await first.settle({ inputTokens: 0, outputTokens: 0, costUsd: '0' });
      const after = await a.limits.admit(caller, req);
      expect(Number(after.headers['x-ratelimit-remaining-tokens'])).toBeLessThan(100);
      expect((await rejection(a.limits.admit(caller, { ...req, estimatedInputTokens: 100, maxOutputTokens: 50 }))).code).toBe('rate_limited');
    });

    it('applies every settlement of calls settled at the same moment (they reach Redis as one script call)', async () => {
      const { caller, clientId } = await createCaller(a, { rate_limit_tpm: 1000 });
      clientIds.push(clientId);
      const req = { ...call, estimatedInputTokens: 150, maxOutputTokens: 100 };
      const admitted = [];
      for (let i = 0; i < 4; i++) admitted.push(await a.limits.admit(caller, req));
      expect((await rejection(a.limits.admit(caller, req))).code).toBe('rate_limited');
      // each used 50 of its 250 tokens: 800 come back, settled together
      await Promise.all(admitted.map((adm) => adm.settle({ inputTokens: 25, outputTokens: 25, costUsd: '0' })));
      const after = await a.limits.admit(caller, req);
      // 550 when all four refunds landed (with one missing it would be at most 350 plus the refill of a few seconds)
      expect(Number(after.headers['x-ratelimit-remaining-tokens'])).toBeGreaterThanOrEqual(550);
    });

    it('enforces one combined limit across two instances sharing Redis', async () => {
      const { caller, clientId } = await createCaller(a, { rate_limit_rpm: 4 });
      clientIds.push(clientId);
      for (const instance of [a, b, a, b]) await instance.limits.admit(caller, call);
      expect((await rejection(b.limits.admit(caller, call))).code).toBe('rate_limited');
      expect((await rejection(a.limits.admit(caller, call))).code).toBe('rate_limited');
    });

    it("gives a key narrowed below its client's limits buckets of its own across instances, leaving the client's other keys the rest", async () => {
      const { caller: wide, clientId } = await createCaller(a, { rate_limit_rpm: 4, rate_limit_tpm: 100_000 });
      clientIds.push(clientId);
      const narrowKey = await a.keys.create(clientId, { name: 'narrow', rate_limit_rpm: 1, rate_limit_tpm: 50 });
      const verdict = await b.lookup.verify(narrowKey.key);
      if (verdict.status !== 'ok') throw new Error('fresh key refused');
      const narrow = verdict.caller;
      const first = await a.limits.admit(narrow, call);
      expect(first.headers).toMatchObject({ 'x-ratelimit-limit-requests': '1', 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-limit-tokens': '50' });
      await first.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0' });
      const refused = await rejection(b.limits.admit(narrow, call));
      expect(refused.code).toBe('rate_limited');
      expect(refused.message).toContain("1 requests per minute (this API key's own)");
      // the narrow key's call took one of the client's 4: three are left for its other key, on either instance
      for (const instance of [b, a, b]) await instance.limits.admit(wide, call);
      const clientRefusal = await rejection(a.limits.admit(wide, call));
      expect(clientRefusal.message).toContain('4 requests per minute reached');
    });

    it('admits exactly what the budget covers under many concurrent calls on two instances, with 402 budget_exceeded for the rest', async () => {
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1.00' });
      clientIds.push(clientId);
      const [fromA, fromB] = await Promise.all([admitMany(a, caller, 20, '0.10'), admitMany(b, caller, 20, '0.10')]);
      const admitted = [...fromA.admitted, ...fromB.admitted];
      expect(admitted).toHaveLength(10);
      expect(new Set([...fromA.codes, ...fromB.codes])).toEqual(new Set(['budget_exceeded']));
      // the calls cost less than reserved: the difference becomes available again
      await Promise.all(admitted.map((adm) => adm.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0.05' })));
      const second = await admitMany(b, caller, 20, '0.10');
      expect(second.admitted).toHaveLength(5);
      await Promise.all(second.admitted.map((adm) => adm.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0.10' })));
      const spent = new Decimal('0.05').mul(10).plus(new Decimal('0.10').mul(5));
      expect(spent.lte('1.00')).toBe(true);
      expect((await rejection(a.limits.admit(caller, { ...call, maxCostUsd: '0.000001' }))).code).toBe('budget_exceeded');
    });

    it('counts the period spend already recorded before admitting', async () => {
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1.00' });
      clientIds.push(clientId);
      const pg = new Client({ connectionString: db.url });
      await pg.connect();
      try {
        // a committed call of this month, read back through the cost rollups
        await pg.query(
          `INSERT INTO llm_generation_log (id, created_at, client_id, endpoint, provider, model, status, cost_usd)
           VALUES (gen_random_uuid(), now(), $1, '/v1/chat/completions', 'openai', 'gpt-4o-mini', 'success', 0.95)`,
          [clientId],
        );
      } finally {
        await pg.end();
      }
      expect((await rejection(a.limits.admit(caller, { ...call, maxCostUsd: '0.10' }))).code).toBe('budget_exceeded');
    });

    it('admits a call whose price is unknown while the budget is not spent (it cannot be bounded)', async () => {
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1.00' });
      clientIds.push(clientId);
      const admission = await a.limits.admit(caller, { ...call, maxCostUsd: null });
      await admission.settle({ inputTokens: 1, outputTokens: 1, costUsd: null });
    });

    describe('leases (limits large next to one call)', () => {
      let redis: Redis;
      beforeAll(() => {
        redis = new Redis(TEST_REDIS_URL);
      });
      afterAll(() => redis.disconnect());

      it("takes a client's requests and budget from Redis 64 calls at a time, and reports what the lease still holds", async () => {
        // 64,000 rpm and $1,000 at $0.01 a call: 1/1000 of each is at least 64 calls
        const { caller, clientId } = await createCaller(a, { rate_limit_rpm: 64_000, monthly_budget_usd: '1000' });
        clientIds.push(clientId);
        const admissions = [];
        for (let i = 0; i < 10; i++) admissions.push(await a.limits.admit(caller, call));
        // one reservation for the lease of 64 calls ($0.64 = 6.4e9 units), not one per call
        const open = await redis.zrange(`${await budgetKeyOf(redis, clientId)}:open`, 0, -1);
        expect(open).toHaveLength(1);
        expect(open[0]).toMatch(/:6400000000$/);
        const remaining = admissions.map((adm) => Number(adm.headers['x-ratelimit-remaining-requests']));
        expect(remaining[9]).toBe(remaining[0] - 9);
        expect(remaining[0]).toBe(64_000 - 1);
      });

      it('never admits past the budget across two instances, and the counter ends at exactly what the calls cost once leases go back', async () => {
        // $6.40 at $0.001 reserved per call: leases of 6 calls (1/1000 of the budget), 6,400 calls' worth in all
        const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '6.40' });
        clientIds.push(clientId);
        const [fromA, fromB] = await Promise.all([admitMany(a, caller, 4_000, '0.001'), admitMany(b, caller, 4_000, '0.001')]);
        const admitted = [...fromA.admitted, ...fromB.admitted];
        expect(admitted.length).toBeLessThanOrEqual(6_400);
        // what a lease held on one instance may be refused to the other: at most one lease
        expect(admitted.length).toBeGreaterThanOrEqual(6_400 - 6);
        expect(new Set([...fromA.codes, ...fromB.codes])).toEqual(new Set(['budget_exceeded']));
        await Promise.all(admitted.map((adm) => adm.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0.0005' })));
        const budgetKey = await budgetKeyOf(redis, clientId);
        const counter = `${budgetKey}:used`;
        // 1e-10 USD units: $0.0005 = 5,000,000; idle leases go back within a second or two
        const expected = String(admitted.length * 5_000_000);
        const used = await pollUntil(
          () => redis.get(counter),
          (v) => v === expected,
        );
        expect(used).toBe(expected);
        expect(await redis.zcard(`${budgetKey}:open`)).toBe(0);
      });

      it('gives its leases back when the instance stops', async () => {
        const c = await startAuthInstance(db.url, TEST_REDIS_URL);
        await redisReady(c);
        const { caller, clientId } = await createCaller(c, { rate_limit_rpm: 64_000, monthly_budget_usd: '100' });
        clientIds.push(clientId);
        const admitted = [];
        for (let i = 0; i < 5; i++) admitted.push(await c.limits.admit(caller, call));
        await Promise.all(admitted.map((adm) => adm.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0.002' })));
        const budgetKey = await budgetKeyOf(redis, clientId);
        // while the instance runs, its lease is reserved in full
        expect(await redis.zcard(`${budgetKey}:open`)).toBe(1);
        await c.close();
        // stopped: no reservation left, the counter holds what the 5 calls cost ($0.01), the unused requests are back
        expect(await redis.zcard(`${budgetKey}:open`)).toBe(0);
        expect(await redis.get(`${budgetKey}:used`)).toBe(String(5 * 20_000_000));
        expect(Number(await redis.hget(`llmhub:rl:{${clientId}}:req`, 'l'))).toBeGreaterThanOrEqual(64_000 - 5);
      });
    });

    it('applies no limits and no headers to a client without any', async () => {
      const { caller, clientId } = await createCaller(a);
      clientIds.push(clientId);
      expect((await a.limits.admit(caller, call)).headers).toEqual({});
    });
  });

  describe('without Redis (PostgreSQL reservations, in-memory rate limits)', () => {
    let a: AuthInstance;
    let b: AuthInstance;
    beforeAll(async () => {
      a = await startAuthInstance(db.url, undefined);
      b = await startAuthInstance(db.url, undefined);
    });
    afterAll(async () => {
      await a.close();
      await b.close();
    });

    it('keeps the budget atomic across instances through PostgreSQL', async () => {
      const { caller } = await createCaller(a, { monthly_budget_usd: '0.50' });
      const [fromA, fromB] = await Promise.all([admitMany(a, caller, 15, '0.05'), admitMany(b, caller, 15, '0.05')]);
      expect(fromA.admitted.length + fromB.admitted.length).toBe(10);
      await Promise.all([...fromA.admitted, ...fromB.admitted].map((adm) => adm.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.01' })));
      const more = await admitMany(a, caller, 20, '0.05');
      expect(more.admitted).toHaveLength(8);
    });

    it('enforces RPM per instance', async () => {
      const { caller } = await createCaller(a, { rate_limit_rpm: 2 });
      await a.limits.admit(caller, call);
      await a.limits.admit(caller, call);
      expect((await rejection(a.limits.admit(caller, call))).code).toBe('rate_limited');
    });
  });

  describe('when REDIS_URL points at a closed port', () => {
    it('answers at once when REDIS_URL points at a closed port', async () => {
      // a call that waited on Redis's command timeout would wait 20 s: far past the bound below, which leaves a
      // loaded test machine its slowness (the default 500 ms timeout left it none)
      const closed = await startAuthInstance(db.url, `redis://127.0.0.1:${await freePort()}`, { REDIS_COMMAND_TIMEOUT_MS: '20000' });
      try {
        const { caller } = await createCaller(closed, { rate_limit_rpm: 1 });
        const started = Date.now();
        await closed.limits.admit(caller, call);
        expect((await rejection(closed.limits.admit(caller, call))).code).toBe('rate_limited');
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        await closed.close();
      }
    });
  });

  // a Redis of the test's own, stopped and started again: skipped (or, with CI=true, failed) without a redis-server binary
  describeWithRedisServer('when Redis becomes unreachable', () => {
    let server: RedisProcess;
    let a: AuthInstance;
    const startRedis = () => server.start();
    const stopRedis = () => server.stop();

    beforeAll(async () => {
      server = await RedisProcess.start();
      a = await startAuthInstance(db.url, server.url);
      await redisReady(a);
    });
    afterAll(async () => {
      await a.close();
      await stopRedis();
    });

    it('keeps answering with per-instance limits and returns to Redis when it is back', async () => {
      const { caller } = await createCaller(a, { rate_limit_rpm: 100, monthly_budget_usd: '5' });
      await (await a.limits.admit(caller, call)).settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.001' });
      await stopRedis();
      const during = await a.limits.admit(caller, call);
      expect(during.headers['x-ratelimit-limit-requests']).toBe('100');
      await during.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.001' });
      expect(a.redisStore.available).toBe(false);
      await startRedis();
      await redisReady(a, 10_000);
      await (await a.limits.admit(caller, call)).settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.001' });
    });

    it('keeps answering a client served from leases while Redis is away, and leases again when it is back', async () => {
      const { caller } = await createCaller(a, { rate_limit_rpm: 64_000, monthly_budget_usd: '100' });
      await (await a.limits.admit(caller, call)).settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.001' });
      await stopRedis();
      // the rest of the lease needs no Redis; past it, the per-instance limits and PostgreSQL budget take over
      const during = [];
      for (let i = 0; i < 100; i++) during.push(await a.limits.admit(caller, call));
      await Promise.all(during.map((adm) => adm.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.001' })));
      expect(a.redisStore.available).toBe(false);
      await startRedis();
      await redisReady(a, 10_000);
      const after = await a.limits.admit(caller, call);
      expect(after.headers['x-ratelimit-limit-requests']).toBe('64000');
      await after.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.001' });
    });

    it("keeps a client's budget through a stalled Redis: counted on from what Redis had, and Redis holds every call once it answers", async () => {
      const gauges = async () => {
        const text = await a.module.get(MetricsService, { strict: false }).render();
        const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
        return { shared: value('llmhub_limits_shared'), backlog: value('llmhub_limits_redis_backlog') };
      };
      // $1 at $0.10 reserved a call: too small for leases, each call asks Redis
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1' });
      const costly = { ...call, maxCostUsd: '0.10' };
      const cost = { inputTokens: 1, outputTokens: 1, costUsd: '0.10' };
      for (let i = 0; i < 4; i++) await (await a.limits.admit(caller, costly)).settle(cost);

      // stopped, not closed: the connection stays up and nothing answers
      server.pause();
      const during: Admission[] = [];
      try {
        // nothing is recorded in the database; Redis had $0.40: the calls admitted without it start from there
        for (;;) {
          const outcome = await a.limits.admit(caller, costly).catch((error: unknown) => error);
          if (outcome instanceof AppError) {
            expect(outcome.code).toBe('budget_exceeded');
            break;
          }
          during.push(outcome as Admission);
          if (during.length > 10) throw new Error('admitted past the budget while Redis was stalled');
        }
        expect(during).toHaveLength(6);
        await Promise.all(during.map((adm) => adm.settle(cost)));
        // what an operator sees meanwhile: limits not shared, something kept for Redis
        expect(await gauges()).toEqual({ shared: 0, backlog: expect.any(Number) });
        expect((await gauges()).backlog).toBeGreaterThan(0);
      } finally {
        server.resume();
      }

      // answering again: its counter holds the ten calls ($1), no reservation is left open, and it refuses the next call
      const redis = new Redis(server.url);
      try {
        const budgetKey = await budgetKeyOf(redis, clientId);
        const counted = await pollUntil(
          async () => {
            const refused = await rejection(a.limits.admit(caller, costly));
            expect(refused.code).toBe('budget_exceeded');
            return [await redis.get(`${budgetKey}:used`), await redis.zcard(`${budgetKey}:open`)];
          },
          ([used, open]) => used === String(10 * 1_000_000_000) && open === 0,
          { timeoutMs: 10_000, intervalMs: 200 },
        );
        expect(counted).toEqual([String(10 * 1_000_000_000), 0]);
        expect(await gauges()).toEqual({ shared: 1, backlog: 0 });
      } finally {
        redis.disconnect();
      }
    });

    it('counts a call once when Redis took its settlement but answered after the timeout, and it was sent again', async () => {
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1' });
      const costly = { ...call, maxCostUsd: '0.10' };
      const admitted = await a.limits.admit(caller, costly);

      // the settlement is written to Redis's socket, then nothing answers it within the timeout: kept for later
      server.pause();
      try {
        await admitted.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.04' });
      } finally {
        // Redis now runs the settlement it had already received
        server.resume();
      }

      // the next call on Redis sends what was kept first: it must find the reservation settled and add nothing
      const redis = new Redis(server.url);
      try {
        const used = `${await budgetKeyOf(redis, clientId)}:used`;
        await pollUntil(
          async () => {
            await (await a.limits.admit(caller, costly)).settle({ inputTokens: 1, outputTokens: 1, costUsd: '0' });
            return a.redisStore.available && (await a.module.get(MetricsService, { strict: false }).render()).includes('llmhub_limits_redis_backlog 0');
          },
          (done) => done,
          { timeoutMs: 10_000, intervalMs: 200 },
        );
        expect(await redis.get(used)).toBe(String(4 * 100_000_000));
      } finally {
        redis.disconnect();
      }
    });

    it('adds what a call spent once when its reservation lapsed before it settled', async () => {
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1' });
      const costly = { ...call, maxCostUsd: '0.10' };
      const redis = new Redis(server.url);
      try {
        await redisReady(a, 10_000);
        const slow = await a.limits.admit(caller, costly);
        const key = await budgetKeyOf(redis, clientId);
        // its reservation lapses (as after RESERVATION_TTL_MS): the next admission gives it back
        const [member] = await redis.zrange(`${key}:open`, 0, -1);
        await redis.zadd(`${key}:open`, 1, member);
        const next = await a.limits.admit(caller, costly);
        expect(await redis.get(`${key}:used`)).toBe(String(10 * 100_000_000));
        await slow.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.03' });
        await next.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.02' });
        expect(await redis.get(`${key}:used`)).toBe(String(5 * 100_000_000));
        expect(await redis.zcard(`${key}:open`)).toBe(0);
      } finally {
        redis.disconnect();
      }
    });
  });
  describeWithRedisServer('when Redis is emptied (FLUSHALL) with calls in flight', () => {
    let server: RedisProcess;
    let redis: Redis;
    let a: AuthInstance;
    let b: AuthInstance;

    beforeAll(async () => {
      server = await RedisProcess.start();
      redis = new Redis(server.url);
      a = await startAuthInstance(db.url, server.url);
      b = await startAuthInstance(db.url, server.url);
      await Promise.all([redisReady(a), redisReady(b)]);
    });
    afterAll(async () => {
      redis.disconnect();
      await a.close();
      await b.close();
      await server.stop();
    });

    it('counts what a call in flight spent in the counter seeded again after it, and refuses what the budget no longer covers', async () => {
      // $1 at $0.50 and $0.30 reserved a call: too small for leases, each call asks Redis
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1.00' });
      const inFlight = await a.limits.admit(caller, { ...call, maxCostUsd: '0.50' });
      await redis.flushall();
      // the next call, on the other instance, seeds the counter from the spend recorded so far: the call in flight
      // has no record yet (its record and its settlement are written together, when it ends)
      const next = await b.limits.admit(caller, { ...call, maxCostUsd: '0.30' });
      await inFlight.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0.50' });
      // $0.50 spent and $0.30 reserved: another $0.30 would pass the budget
      const refused = await rejection(b.limits.admit(caller, { ...call, maxCostUsd: '0.30' }));
      expect(refused.code).toBe('budget_exceeded');
      expect(refused.message).toContain('0.2 USD remains');
      await next.settle({ inputTokens: 5, outputTokens: 5, costUsd: '0.30' });
      expect(await redis.get(`${await budgetKeyOf(redis, clientId)}:used`)).toBe(String(8 * 1_000_000_000));
    });

    it('adds a settlement of a reservation the emptied Redis lost once, however often it is sent', async () => {
      const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '1.00' });
      const period = { periodStart: new Date('2026-01-01T00:00:00Z'), periodEnd: new Date('2026-02-01T00:00:00Z') };
      const budget = { clientId, ...period, limitUnits: 10_000_000_000n, reserveUnits: 5_000_000_000n, reservationId: 'in-flight' };
      const rate = { clientId: caller.clientId, rpm: null, tpm: null, tokens: 20 };
      const admitted = await a.redisStore.admit(rate, budget, 0n);
      expect(admitted).toMatchObject({ ok: true, budgetGeneration: expect.stringMatching(/./) });
      const generation = admitted !== 'seed' && admitted.ok ? admitted.budgetGeneration : undefined;
      await redis.flushall();
      expect(await b.redisStore.admit(rate, { ...budget, reserveUnits: 0n, reservationId: 'after' }, 0n)).toMatchObject({ ok: true });
      // the settlement, then the same again (as one whose answer a timeout hid is sent again)
      const settlement = {
        clientId,
        tpm: null,
        tokenRefund: 0,
        budget: { periodStart: period.periodStart, reservationId: 'in-flight', reservedUnits: 5_000_000_000n, actualUnits: 4_000_000_000n, generation },
      };
      await a.redisStore.settle(settlement);
      await a.redisStore.settle(settlement);
      expect(await redis.get(`llmhub:budget:{${clientId}}:${period.periodStart.getTime()}:used`)).toBe('4000000000');
    });
  });
});
