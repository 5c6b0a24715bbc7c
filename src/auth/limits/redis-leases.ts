import { randomUUID } from 'node:crypto';
import { AdmitOutcome, BudgetRequest, RateRequest, SettleRequest, WindowState } from './limit-types';

/** A lease holds this many calls at most, so a busy client asks Redis once per this many calls... */
export const LEASE_CALLS = 64;
/**
 * ...and never more than this fraction of any of its limits at once: the other instances share them, and
 * near a limit one of them may refuse a call while this one holds a slice. Clients with limits smaller
 * than two calls' worth of it are admitted call by call.
 */
const LEASE_LIMIT_DIVISOR = 1_000;
const LEASE_LIMIT_DIVISOR_UNITS = BigInt(LEASE_LIMIT_DIVISOR);
/** A lease no call has drawn from for this long goes back to the shared counters... */
export const LEASE_IDLE_MS = 1_000;
/**
 * ...and one this old goes back however busy it is: what its calls cost reaches the shared budget
 * counter at least this often (if the instance dies, the spend of a lease not given back is missing
 * from the counter: at most this long's worth, 64 calls, 1/1000 of the budget).
 */
export const LEASE_MAX_AGE_MS = 5_000;

/** What one call of a lease may use: its requests, tokens and budget reservation are the lease's slot. */
interface Slot {
  tokens: number;
  reserveUnits: bigint;
}

/**
 * A slice of one client's shared limits held by this instance: `calls`
 * requests, with `slot` tokens and budget each, taken from Redis in one
 * admission. Calls draw from it without a round trip; what they did not use
 * goes back in one settlement once the lease is retired and its calls are done.
 */
interface Lease {
  key: string;
  rate: RateRequest;
  /** the lease's reservation in the budget's open set (null without a budget) */
  budget: BudgetRequest | null;
  slot: Slot;
  calls: number;
  taken: number;
  /** calls admitted and not settled yet */
  open: number;
  /** its settlement has been sent (once) */
  returned: boolean;
  tokensUsed: number;
  actualUnits: bigint;
  retired: boolean;
  grantedAt: number;
  lastUsed: number;
  /** the windows as Redis reported them after the whole lease was taken */
  requests?: WindowState;
  tokens?: WindowState;
  budgetUsedUnits?: bigint;
  budgetGeneration?: string;
}

export interface LeasedAdmission {
  outcome: AdmitOutcome & { ok: true };
  /** settles the call inside its lease; the lease's own settlement follows when it is done */
  settle(tokensUsed: number, actualUnits: bigint): void;
}

/** Asks Redis for `requests` at once (an admission or a lease), with the budget counter seeded when it must be. */
export type SharedAdmit = (rate: RateRequest, budget: BudgetRequest | null, requests: number) => Promise<AdmitOutcome>;

/**
 * Leases of the shared (Redis) limits, for clients whose limits are large next
 * to one call: a lease takes up to LEASE_CALLS calls' worth of requests, tokens
 * and budget in one script call, never more than 1/1000 of a limit, so the
 * limits still hold across instances (every unit is taken from the shared
 * counters before a call uses it). What an instance holds and does not use is
 * at most 1/1000 of each limit, and goes back after LEASE_IDLE_MS without calls
 * or LEASE_MAX_AGE_MS after it was taken. A budget lease is a reservation like
 * a call's: if the instance dies, it expires with the reservation TTL. Clients
 * with small limits are admitted call by call, exactly as without leases.
 */
export class SharedLeases {
  private readonly leases = new Map<string, Lease>();
  /** one lease request in flight per client: concurrent calls wait for it instead of taking leases of their own */
  private readonly pending = new Map<string, Promise<unknown>>();
  private readonly refusedAt = new Map<string, number>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly admitShared: SharedAdmit,
    private readonly settleShared: (req: SettleRequest) => Promise<void>,
    private readonly onSettleError: (error: unknown) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.retireIdleAndOld(), LEASE_IDLE_MS);
    this.sweeper.unref();
  }

  /** How many calls a lease for this call would hold; below 2 the call is admitted on its own. */
  static callsFor(rate: RateRequest, budget: BudgetRequest | null): number {
    let calls = LEASE_CALLS;
    if (rate.rpm) calls = Math.min(calls, Math.floor(rate.rpm / LEASE_LIMIT_DIVISOR));
    if (rate.tpm) calls = Math.min(calls, rate.tokens > 0 ? Math.floor(rate.tpm / LEASE_LIMIT_DIVISOR / rate.tokens) : calls);
    if (budget) {
      // a call of unknown price reserves nothing: it is admitted on its own, while the budget is not spent
      if (budget.reserveUnits <= 0n) return 0;
      const fit = budget.limitUnits / LEASE_LIMIT_DIVISOR_UNITS / budget.reserveUnits;
      calls = Math.min(calls, fit > BigInt(LEASE_CALLS) ? LEASE_CALLS : Number(fit));
    }
    return calls;
  }

  /**
   * Admits from this instance's lease, taking a new lease when there is none
   * that fits; undefined when the call is not one for leases (its limits are
   * small next to it) or Redis refused the lease: the caller then asks for this
   * call alone, which gets the exact answer near a limit.
   */
  async admit(rate: RateRequest, budget: BudgetRequest | null): Promise<LeasedAdmission | undefined> {
    const calls = SharedLeases.callsFor(rate, budget);
    if (calls < 2) return undefined;
    const key = budget ? `${rate.clientId}:${budget.periodStart.getTime()}` : rate.clientId;
    for (;;) {
      const lease = this.leases.get(key);
      if (lease && this.fits(lease, rate, budget)) return this.take(lease);
      const inFlight = this.pending.get(key);
      if (!inFlight) break;
      // unanswered by Redis, the calls that waited for it go without Redis too, instead of asking in turn
      await inFlight;
    }
    // near a limit (a lease was just refused) calls are admitted one by one
    if (this.now() - (this.refusedAt.get(key) ?? Number.NEGATIVE_INFINITY) < LEASE_IDLE_MS) return undefined;
    const current = this.leases.get(key);
    if (current) void this.retire(current);
    const request = this.lease(key, rate, budget, calls);
    this.pending.set(key, request);
    try {
      const lease = await request;
      if (lease) return this.take(lease);
      this.refusedAt.set(key, this.now());
      return undefined;
    } finally {
      if (this.pending.get(key) === request) this.pending.delete(key);
    }
  }

  /** Retires every lease (shutdown): resolves once those without calls in flight are given back; the others go back when their calls settle. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.leases.values()].map((lease) => this.retire(lease)));
  }

  private async lease(key: string, rate: RateRequest, budget: BudgetRequest | null, calls: number): Promise<Lease | undefined> {
    const slot: Slot = { tokens: rate.tokens, reserveUnits: budget?.reserveUnits ?? 0n };
    const leaseBudget = budget ? { ...budget, reserveUnits: slot.reserveUnits * BigInt(calls), reservationId: randomUUID() } : null;
    const outcome = await this.admitShared({ ...rate, tokens: rate.tokens * calls }, leaseBudget, calls);
    if (!outcome.ok) return undefined;
    const lease: Lease = {
      key,
      rate,
      budget: leaseBudget,
      slot,
      calls,
      taken: 0,
      open: 0,
      returned: false,
      tokensUsed: 0,
      actualUnits: 0n,
      retired: false,
      grantedAt: this.now(),
      lastUsed: this.now(),
      requests: outcome.requests,
      tokens: outcome.tokens,
      budgetUsedUnits: outcome.budgetUsedUnits,
      budgetGeneration: outcome.budgetGeneration,
    };
    this.leases.set(key, lease);
    return lease;
  }

  private fits(lease: Lease, rate: RateRequest, budget: BudgetRequest | null): boolean {
    return (
      !lease.retired &&
      lease.taken < lease.calls &&
      rate.tokens <= lease.slot.tokens &&
      (budget?.reserveUnits ?? 0n) <= lease.slot.reserveUnits &&
      lease.rate.rpm === rate.rpm &&
      lease.rate.tpm === rate.tpm &&
      (budget === null) === (lease.budget === null) &&
      (budget === null || budget.limitUnits === lease.budget!.limitUnits)
    );
  }

  private take(lease: Lease): LeasedAdmission {
    lease.taken += 1;
    lease.open += 1;
    lease.lastUsed = this.now();
    const unused = lease.calls - lease.taken;
    const outcome: AdmitOutcome & { ok: true } = {
      ok: true,
      requests: lease.requests && withUnused(lease.requests, unused),
      tokens: lease.tokens && withUnused(lease.tokens, unused * lease.slot.tokens),
      budgetUsedUnits: lease.budgetUsedUnits,
    };
    if (lease.taken === lease.calls) void this.retire(lease);
    let settled = false;
    return {
      outcome,
      settle: (tokensUsed, actualUnits) => {
        if (settled) return;
        settled = true;
        lease.open -= 1;
        lease.tokensUsed += tokensUsed;
        lease.actualUnits += actualUnits;
        void this.returnIfDone(lease);
      },
    };
  }

  private retire(lease: Lease): Promise<void> {
    if (!lease.retired) {
      lease.retired = true;
      if (this.leases.get(lease.key) === lease) this.leases.delete(lease.key);
    }
    return this.returnIfDone(lease);
  }

  private retireIdleAndOld(): void {
    const now = this.now();
    const idleSince = now - LEASE_IDLE_MS;
    for (const [key, at] of this.refusedAt) if (at <= idleSince) this.refusedAt.delete(key);
    for (const lease of [...this.leases.values()]) {
      if (lease.lastUsed <= idleSince || lease.grantedAt <= now - LEASE_MAX_AGE_MS) void this.retire(lease);
    }
  }

  /** A retired lease with no call in flight: its unused requests and tokens go back, the budget keeps what its calls cost. */
  private async returnIfDone(lease: Lease): Promise<void> {
    if (!lease.retired || lease.open > 0 || lease.returned) return;
    lease.returned = true;
    const { rate, budget } = lease;
    await this.settleShared({
      clientId: rate.clientId,
      tpm: rate.tpm,
      tokenRefund: lease.calls * lease.slot.tokens - lease.tokensUsed,
      budget: budget && {
        periodStart: budget.periodStart,
        reservationId: budget.reservationId,
        reservedUnits: budget.reserveUnits,
        actualUnits: lease.actualUnits,
        generation: lease.budgetGeneration,
      },
      requestRefund: rate.rpm ? { rpm: rate.rpm, requests: lease.calls - lease.taken } : undefined,
    }).catch(this.onSettleError);
  }
}

function withUnused(window: WindowState, unused: number): WindowState {
  return { ...window, remaining: Math.min(window.limit, window.remaining + unused) };
}
