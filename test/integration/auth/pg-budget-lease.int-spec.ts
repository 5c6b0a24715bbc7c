import Decimal from 'decimal.js';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { PgBudgetStore } from '@src/auth/limits/pg-budget.store';
import { usdToUnits } from '@src/auth/limits/usd-units';
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

  it('raises a counter to a seed that knows of more spend, and never counts what it already holds twice', async () => {
    const { clientId } = await createCaller(a, {});
    const periodStart = new Date(Date.UTC(2026, 0, 1));
    const request = (reserveUsd: string) => ({
      clientId,
      periodStart,
      periodEnd: new Date(Date.UTC(2026, 1, 1)),
      limitUnits: usdToUnits('0.60', 'nearest'),
      reserveUnits: usdToUnits(reserveUsd, 'nearest'),
      reservationId: randomUUID(),
    });
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      // a counter in use (just updated) that knows of $0.10
      await pg.query(`INSERT INTO budget_counters (client_id, period_start, spent_usd) VALUES ($1, $2, 0.10)`, [clientId, periodStart]);
    } finally {
      await pg.end();
    }
    // the seed knows of $0.50 (Redis's counter before it stopped answering): $0.20 more no longer fits in $0.60
    const refused = await a.module.get(PgBudgetStore).reserve(request('0.20'), async () => '0.50');
    expect(refused).toEqual({ ok: false, usedUnits: usdToUnits('0.50', 'nearest') });
    expect(await counter(db.url, clientId)).toEqual({ spent: '0.5000000000', reserved: '0.0000000000' });

    // another instance seeding with less than the counter holds lowers nothing: $0.10 is all that is left
    const other = await startAuthInstance(db.url, undefined);
    try {
      const store = other.module.get(PgBudgetStore);
      expect((await store.reserve(request('0.15'), async () => '0.30')).ok).toBe(false);
      expect((await store.reserve(request('0.10'), async () => '0.30')).ok).toBe(true);
    } finally {
      await other.close();
    }
  });
});
