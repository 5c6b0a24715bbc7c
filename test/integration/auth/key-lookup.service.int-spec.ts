import { Client } from 'pg';
import { KEY_CACHE_TTL_MS } from '@src/auth/key-lookup.service';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil } from '@test/support/poll';
import { AuthInstance, createCaller, startAuthInstance } from './auth-test-context';

describe('KeyLookupService (real PostgreSQL, two instances)', () => {
  let db: TestDatabase;
  let a: AuthInstance;
  let b: AuthInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startAuthInstance(db.url, undefined);
    b = await startAuthInstance(db.url, undefined);
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await db.drop();
  });

  it('refuses a key revoked on another instance within 5 seconds', async () => {
    const { key, caller } = await createCaller(a);
    expect((await b.lookup.verify(key)).status).toBe('ok');
    await a.keys.revoke(caller.apiKeyId);
    expect((await a.lookup.verify(key)).status).toBe('invalid');
    expect(KEY_CACHE_TTL_MS).toBeLessThan(5_000);
    const started = Date.now();
    await pollUntil(
      () => b.lookup.verify(key),
      (v) => v.status !== 'ok',
      { timeoutMs: 6_000, intervalMs: 100 },
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await b.lookup.verify(key)).toEqual({ status: 'invalid', reason: 'revoked' });
  });

  it('reports an expired key as invalid from its expiry on, even from a cached answer', async () => {
    const client = await a.clients.create({ name: 'expiring' });
    // an hour ahead, however long creating it takes; the lookup is then asked at the instants that matter
    const expiresAt = Date.now() + 3_600_000;
    const key = await a.keys.create(client.id, { expires_at: new Date(expiresAt).toISOString() });
    expect((await a.lookup.verify(key.key, expiresAt - 1)).status).toBe('ok');
    // within the cache's lifetime of that answer: the expiry is checked on the cached row
    expect(KEY_CACHE_TTL_MS).toBeGreaterThan(1);
    expect(await a.lookup.verify(key.key, expiresAt)).toEqual({ status: 'invalid', reason: 'expired' });
  });

  it('writes last_used_at in batches, not per request', async () => {
    const { key, caller } = await createCaller(a);
    for (let i = 0; i < 5; i++) await a.lookup.verify(key);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const read = async () => (await pg.query(`SELECT last_used_at FROM api_keys WHERE id = $1`, [caller.apiKeyId])).rows[0].last_used_at;
      expect(await read()).toBeNull();
      await a.lookup.flushLastUsed();
      expect(await read()).toBeInstanceOf(Date);
    } finally {
      await pg.end();
    }
  });

  it('narrows the client limits and allow-list by the key', async () => {
    const client = await a.clients.create({ name: 'narrowed', rate_limit_rpm: 100, allowed_models: ['openai/*'] });
    const key = await a.keys.create(client.id, { rate_limit_rpm: 5, allowed_models: ['openai/gpt-4o-mini', 'groq/llama'] });
    const verdict = await a.lookup.verify(key.key);
    expect(verdict).toMatchObject({ status: 'ok', caller: { rateLimitRpm: 5, allowedModels: ['openai/gpt-4o-mini'] } });
  });
});
