import type { AdmitOutcome, BudgetRequest, RateRequest, SettleRequest } from '@src/auth/limits/limit-types';
import { LEASE_CALLS, LEASE_IDLE_MS, SharedLeases } from '@src/auth/limits/redis-leases';

const rate: RateRequest = { clientId: 'c1', rpm: 1_000_000, tpm: 100_000_000, tokens: 30 };
const budget = (reserveUnits: bigint, limitUnits = 10n ** 16n): BudgetRequest => ({
  clientId: 'c1',
  periodStart: new Date('2026-12-01T00:00:00Z'),
  periodEnd: new Date('2027-01-01T00:00:00Z'),
  limitUnits,
  reserveUnits,
  reservationId: 'call-reservation',
});

describe('SharedLeases', () => {
  let clock: number;
  let admits: { rate: RateRequest; budget: BudgetRequest | null; requests: number }[];
  let settles: SettleRequest[];
  let answer: (requests: number) => AdmitOutcome;
  let leases: SharedLeases;

  /** Leases on a recorded Redis: admissions answered by `answer`, settlements kept in `settles`. */
  const recordedLeases = () =>
    new SharedLeases(
      async (r, b, requests) => {
        admits.push({ rate: r, budget: b, requests });
        await Promise.resolve();
        return answer(requests);
      },
      async (req) => {
        settles.push(req);
      },
      () => undefined,
      () => clock,
    );

  beforeEach(() => {
    clock = 1_000_000;
    admits = [];
    settles = [];
    answer = () => ({ ok: true, requests: { limit: 1_000_000, remaining: 999_000, resetS: 1 }, budgetUsedUnits: 5n });
    leases = recordedLeases();
  });
  afterEach(() => leases.close());

  it('admits nothing from a lease when a lease would hold fewer than two calls', async () => {
    expect(await leases.admit({ ...rate, rpm: 1_999 }, null)).toBeUndefined();
    expect(admits).toHaveLength(0);
  });

  it('sizes a lease to at most 64 calls and 1/1000 of every limit; smaller limits get none', () => {
    expect(SharedLeases.callsFor(rate, budget(100n))).toBe(LEASE_CALLS);
    expect(SharedLeases.callsFor({ ...rate, rpm: 10_000 }, null)).toBe(10);
    expect(SharedLeases.callsFor({ ...rate, tpm: 1_000 * 30 * 5 }, null)).toBe(5);
    expect(SharedLeases.callsFor(rate, budget(100n, 1_000n * 100n * 3n))).toBe(3);
    expect(SharedLeases.callsFor({ ...rate, rpm: 1_999 }, null)).toBe(1);
    // a call of unknown price reserves nothing and cannot share a budget lease
    expect(SharedLeases.callsFor(rate, budget(0n))).toBe(0);
  });

  it('asks Redis once for a lease of many calls, with the tokens and budget of all of them', async () => {
    for (let i = 0; i < 10; i++) await leases.admit(rate, budget(100n));
    expect(admits).toHaveLength(1);
    expect(admits[0]).toMatchObject({ requests: 64, rate: { tokens: 30 * 64 }, budget: { reserveUnits: 6_400n } });
    // the lease is a reservation of its own, not the first call's
    expect(admits[0].budget!.reservationId).not.toBe('call-reservation');
  });

  it('shares one lease request among concurrent calls', async () => {
    const admitted = await Promise.all(Array.from({ length: 100 }, () => leases.admit(rate, budget(100n))));
    expect(admitted.every((a) => a !== undefined)).toBe(true);
    // 100 calls: one lease of 64, then a second
    expect(admits).toHaveLength(2);
  });

  it('reports the remaining requests with the calls still unused in the lease', async () => {
    const first = await leases.admit(rate, null);
    const second = await leases.admit(rate, null);
    expect(first!.outcome.requests!.remaining).toBe(999_000 + 63);
    expect(second!.outcome.requests!.remaining).toBe(999_000 + 62);
  });

  it('gives back what a retired lease did not use once its calls are settled: requests, tokens, and the budget beyond their cost', async () => {
    const calls = await Promise.all(Array.from({ length: 3 }, () => leases.admit(rate, budget(100n))));
    await leases.close();
    // calls in flight: nothing goes back yet
    expect(settles).toHaveLength(0);
    calls[0]!.settle(10, 40n);
    calls[1]!.settle(20, 60n);
    calls[2]!.settle(0, 0n);
    await Promise.resolve();
    expect(settles).toEqual([
      {
        clientId: 'c1',
        tpm: rate.tpm,
        tokenRefund: 64 * 30 - 30,
        budget: { periodStart: budget(0n).periodStart, reservationId: admits[0].budget!.reservationId, reservedUnits: 6_400n, actualUnits: 100n },
        requestRefund: { rpm: rate.rpm, requests: 61 },
      },
    ]);
  });

  it('gives a busy lease back once it is LEASE_MAX_AGE_MS old, so what its calls cost reaches Redis', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    try {
      // made under the fake timers, so its idle sweep runs on them
      const busy = recordedLeases();
      for (let i = 0; i < 12; i++) {
        const call = await busy.admit(rate, budget(100n));
        call!.settle(10, 50n);
        clock += 500;
        jest.advanceTimersByTime(500);
        await Promise.resolve();
      }
      // a call every 500 ms never leaves the lease idle; it goes back 5 s after it was taken, with the 10 calls made until then
      expect(settles).toHaveLength(1);
      expect(settles[0].budget!.actualUnits).toBe(10n * 50n);
      expect(admits).toHaveLength(2);
      await busy.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('settles a call once, however often it is told', async () => {
    const call = await leases.admit(rate, null);
    call!.settle(5, 0n);
    call!.settle(5, 0n);
    await leases.close();
    expect(settles).toHaveLength(1);
    expect(settles[0].tokenRefund).toBe(64 * 30 - 5);
  });

  it('takes a new lease when a call needs more than the current lease holds per call', async () => {
    await leases.admit(rate, budget(100n));
    await leases.admit({ ...rate, tokens: 500 }, budget(100n));
    expect(admits.map((a) => a.rate.tokens)).toEqual([30 * 64, 500 * 64]);
    // the first lease is retired; its call is still in flight, so nothing goes back yet
    expect(settles).toHaveLength(0);
  });

  it('asks Redis once when many concurrent calls find the lease refused: each then goes on its own', async () => {
    answer = () => ({ ok: false, reason: 'requests', retryAfterS: 1 });
    const admitted = await Promise.all(Array.from({ length: 50 }, () => leases.admit(rate, null)));
    expect(admitted.every((a) => a === undefined)).toBe(true);
    expect(admits).toHaveLength(1);
  });

  it('fails every call that waited for a lease Redis did not answer, instead of having each ask in turn', async () => {
    answer = () => {
      throw new Error('Command timed out');
    };
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => leases.admit(rate, null)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill('rejected'));
    expect(admits).toHaveLength(1);
  });

  it('returns undefined when Redis refuses the lease, and asks for no lease for a while (calls then go one by one)', async () => {
    answer = (requests) => (requests > 1 ? { ok: false, reason: 'budget', budgetUsedUnits: 0n } : { ok: true });
    expect(await leases.admit(rate, budget(100n))).toBeUndefined();
    expect(await leases.admit(rate, budget(100n))).toBeUndefined();
    expect(admits).toHaveLength(1);
    clock += LEASE_IDLE_MS;
    answer = () => ({ ok: true });
    expect(await leases.admit(rate, budget(100n))).toBeDefined();
    expect(admits).toHaveLength(2);
  });
});
