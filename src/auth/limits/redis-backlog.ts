import { Logger } from '@nestjs/common';
import { ReplyError } from 'ioredis';
import { randomUUID } from 'node:crypto';
import { BudgetRequest, SettleRequest } from './limit-types';

/** Settlements kept while Redis is away; past this many the oldest go (their reservations still expire with the TTL). */
const MAX_KEPT = 20_000;

interface LocalSpend {
  clientId: string;
  periodStart: Date;
  units: bigint;
}

/**
 * What Redis's shared counters have still to be told after it did not answer, sent as soon as it
 * answers again, so an outage leaves no spend out of the budget counter it returns to:
 * - settlements it did not confirm (a call's, a lease's) are sent again. One that did land
 *   (its answer came after the timeout) finds its reservation settled and adds nothing;
 * - an admission it did not answer may still reach it after the timeout and reserve: that
 *   reservation is cancelled (the call was admitted without Redis, or not at all);
 * - what calls admitted without Redis spent is added to its budget counter, one sum per client
 *   and period (a counter Redis no longer has is seeded again from the recorded spend).
 */
export class RedisBacklog {
  private settlements: SettleRequest[] = [];
  private spent = new Map<string, LocalSpend>();
  private sending: Promise<void> | undefined;
  private dropped = 0;

  constructor(
    private readonly send: (req: SettleRequest) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  get pending(): boolean {
    return this.settlements.length > 0 || this.spent.size > 0;
  }

  /** Entries kept: settlements, and one sum per client and period. */
  get size(): number {
    return this.settlements.length + this.spent.size;
  }

  settlementFailed(req: SettleRequest, error: unknown): void {
    if (!this.pending) this.logger.warn(`Redis did not confirm a settlement (${describe(error)}): kept, and sent when Redis answers again`);
    this.settlements.push(req);
    if (this.settlements.length > MAX_KEPT) {
      this.settlements.shift();
      this.dropped += 1;
    }
  }

  admissionFailed(budget: BudgetRequest): void {
    this.settlementFailed(
      {
        clientId: budget.clientId,
        tpm: null,
        tokenRefund: 0,
        // still open: released in full; never made: nothing to release (actual 0 adds nothing)
        budget: { periodStart: budget.periodStart, reservationId: budget.reservationId, reservedUnits: budget.reserveUnits, actualUnits: 0n },
      },
      'no answer to an admission',
    );
  }

  spentWithoutRedis(budget: BudgetRequest, units: bigint): void {
    this.addSpend({ clientId: budget.clientId, periodStart: budget.periodStart, units });
  }

  /** Sends everything kept (once at a time); rejects when Redis did not take all of it: the rest stays for the next try. */
  flush(): Promise<void> {
    this.sending ??= this.sendAll().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async sendAll(): Promise<void> {
    const settlements = this.settlements;
    const spent = [...this.spent.values()];
    this.settlements = [];
    this.spent = new Map();
    // no reservation of their own: the settlement adds the amount to the counter
    const additions = spent.map(({ clientId, periodStart, units }): SettleRequest => ({
      clientId,
      tpm: null,
      tokenRefund: 0,
      budget: { periodStart, reservationId: `spent-without-redis-${randomUUID()}`, reservedUnits: 0n, actualUnits: units, unreserved: true },
    }));
    const all = [...settlements, ...additions];
    const results = await Promise.allSettled(all.map((req) => this.send(req)));
    let failed = 0;
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') return;
      if (result.reason instanceof ReplyError) {
        // Redis answered, with an error: sending it again would fail again and keep every call off Redis
        this.logger.error(`Redis refused a kept budget settlement (${describe(result.reason)}): dropped`);
        return;
      }
      failed += 1;
      if (i < settlements.length) this.settlements.push(all[i]);
      else this.addSpend(spent[i - settlements.length]);
    });
    const sent = all.length - failed;
    if (sent > 0) {
      const lost = this.dropped > 0 ? ` (${this.dropped} older ones were dropped: over ${MAX_KEPT} kept)` : '';
      this.logger.log(`Redis answers again: sent ${sent} budget settlements kept while it did not${lost}`);
      this.dropped = 0;
    }
    if (failed > 0) throw new Error(`Redis did not take ${failed} of ${all.length} kept budget settlements`);
  }

  private addSpend({ clientId, periodStart, units }: LocalSpend): void {
    if (units <= 0n) return;
    const key = `${clientId}:${periodStart.getTime()}`;
    const entry = this.spent.get(key);
    if (entry) entry.units += units;
    else this.spent.set(key, { clientId, periodStart, units });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
