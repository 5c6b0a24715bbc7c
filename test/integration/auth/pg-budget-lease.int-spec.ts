import Decimal from 'decimal.js';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { AuthInstance, createCaller, startAuthInstance } from './auth-test-context';

const call = { provider: 'openai', model: 'gpt-4o-mini', estimatedInputTokens: 10, maxOutputTokens: 10, maxCostUsd: '0.001' };

async function counter(url: string, clientId: string): Promise<{ spent: string; reserved: string }> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ spent: string; reserved: string }>(
      `SELECT spent_usd::text AS spent, reserved_usd::text AS reserved FROM budget_counters WHERE client_id = $1`,
      [clientId],
    );
    return rows[0];
  } finally {
    await pg.end();
  }
}

describe('PgBudgetStore leases (no Redis)', () => {
  let db: TestDatabase;
  let a: AuthInstance;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startAuthInstance(db.url, undefined);
  });
  afterAll(async () => {
    await a?.close();
    await db.drop();
  });

  it('serves calls from a leased slice within the limit and moves their actual cost into spent_usd', async () => {
    const { caller, clientId } = await createCaller(a, { monthly_budget_usd: '100' });
    for (let i = 0; i < 20; i++) {
      const admission = await a.limits.admit(caller, call);
      await admission.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.0005' });
    }
    const during = await counter(db.url, clientId);
    // a lease is held (more than one call's reservation) but never past the limit
    expect(new Decimal(during.spent).plus(during.reserved).gt('0.001')).toBe(true);
    expect(new Decimal(during.spent).plus(during.reserved).lte('100')).toBe(true);
    // closing gives the lease back and flushes the spend
    await a.close();
    const after = await counter(db.url, clientId);
    expect(after.spent).toBe('0.0100000000');
    expect(after.reserved).toBe('0.0000000000');
    a = await startAuthInstance(db.url, undefined);
  });
});
