import { Client } from 'pg';
import { AppError } from '@src/common/errors/app-error';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { AuthInstance, createCaller, deleteRedisKeysOf, redisReady, startAuthInstance, TEST_REDIS_URL } from '../auth/auth-test-context';

const call = { provider: 'openai', model: 'gpt-4o-mini', estimatedInputTokens: 10, maxOutputTokens: 10 };

/** The admission's error code, or 'ok'; an admitted call is settled at `actualUsd` (its reservation when not given). */
async function attempt(instance: AuthInstance, caller: Parameters<AuthInstance['limits']['admit']>[0], reserveUsd: string, actualUsd = reserveUsd) {
  try {
    const admission = await instance.limits.admit(caller, { ...call, maxCostUsd: reserveUsd });
    await admission.settle({ inputTokens: 10, outputTokens: 10, costUsd: actualUsd });
    return 'ok';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

/**
 * A client right at its budget, to the 1e-10 USD a cost is counted in: the call that fits exactly
 * passes, the one a ten-billionth of a dollar over is refused, with Redis and without; a budget
 * lowered below the spend refuses, raised admits again, removed admits anything.
 */
describe.each([
  ['with Redis', TEST_REDIS_URL],
  ['without Redis', undefined],
])('budget boundary (%s)', (_label, redisUrl) => {
  let db: TestDatabase;
  let instance: AuthInstance;
  const ids: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    instance = await startAuthInstance(db.url, redisUrl);
    if (redisUrl) await redisReady(instance);
  });

  afterAll(async () => {
    await instance?.close();
    if (redisUrl) await deleteRedisKeysOf(ids);
    await db?.drop();
  });

  it('admits the call that reaches the budget exactly and refuses the one that would cross it', async () => {
    const { caller, clientId } = await createCaller(instance, { monthly_budget_usd: '0.000001' });
    ids.push(clientId);
    expect(await attempt(instance, caller, '0.0000009999')).toBe('ok');
    expect(await attempt(instance, caller, '0.0000000002')).toBe('budget_exceeded');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('ok');
    // the budget is spent to the last unit: even the smallest call is refused
    expect(await attempt(instance, caller, '0.0000000001')).toBe('budget_exceeded');
  });

  it('counts what a call really cost, not its reservation, toward the budget', async () => {
    const { caller, clientId } = await createCaller(instance, { monthly_budget_usd: '1' });
    ids.push(clientId);
    expect(await attempt(instance, caller, '1', '0.9999999999')).toBe('ok');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('ok');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('budget_exceeded');
  });

  it('refuses once the budget is lowered below the spend, admits again when raised, and anything once removed', async () => {
    const { caller, clientId } = await createCaller(instance, { monthly_budget_usd: '1' });
    ids.push(clientId);
    expect(await attempt(instance, caller, '0.6')).toBe('ok');
    await instance.clients.update(clientId, { monthly_budget_usd: '0.5' });
    expect(await attempt(instance, caller, '0.0000000001')).toBe('budget_exceeded');
    await instance.clients.update(clientId, { monthly_budget_usd: '0.7' });
    expect(await attempt(instance, caller, '0.1')).toBe('ok');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('budget_exceeded');
    await instance.clients.update(clientId, { monthly_budget_usd: null });
    expect(await attempt(instance, caller, '1000')).toBe('ok');
  });
});

describe('budget boundary with Redis, for a client that has spent more than $10,000 this period', () => {
  let db: TestDatabase;
  let instance: AuthInstance;
  const ids: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    instance = await startAuthInstance(db.url, TEST_REDIS_URL);
    await redisReady(instance);
  });

  afterAll(async () => {
    await instance?.close();
    await deleteRedisKeysOf(ids);
    await db?.drop();
  });

  async function recordedSpend(clientId: string, costUsd: string): Promise<void> {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      await pg.query(
        `INSERT INTO llm_generation_log (id, created_at, client_id, endpoint, provider, model, status, cost_usd)
         VALUES (gen_random_uuid(), now(), $1, '/v1/chat/completions', 'openai', 'gpt-4o-mini', 'success', $2)`,
        [clientId, costUsd],
      );
    } finally {
      await pg.end();
    }
  }

  it('counts its calls in Redis to the last unit, and keeps limits shared for every client', async () => {
    const { caller, clientId } = await createCaller(instance, { monthly_budget_usd: '50000' });
    ids.push(clientId);
    // 20,000 USD recorded this month: 2e14 units of 1e-10 USD, which Redis's Lua wrote as "2e+14"
    await recordedSpend(clientId, '20000');
    expect(await attempt(instance, caller, '29999.9999999999')).toBe('ok');
    expect(instance.redisStore.sharing).toBe(true);
    expect(await attempt(instance, caller, '0.0000000002')).toBe('budget_exceeded');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('ok');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('budget_exceeded');
    expect(instance.redisStore.sharing).toBe(true);
  });

  it('compares a budget beyond 2^53 units (900,719 USD) exactly, where Lua numbers round', async () => {
    const { caller, clientId } = await createCaller(instance, { monthly_budget_usd: '1000000' });
    ids.push(clientId);
    // 9,999,999,999,999,999 units: a Lua number reads it as 1e16, the whole budget
    await recordedSpend(clientId, '999999.9999999999');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('ok');
    expect(await attempt(instance, caller, '0.0000000001')).toBe('budget_exceeded');
    expect(instance.redisStore.sharing).toBe(true);
  });
});
