import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { asyncCommitPool } from '../../database/async-commit-pool';
import { BudgetRequest, RESERVATION_TTL_MS } from './limit-types';
import { unitsToUsd, usdToUnits } from './usd-units';

/** A counter untouched this long is re-seeded from the rollups (Redis may have held the truth meanwhile). */
const STALE_COUNTER = '5 minutes';
/** A counter no lease holds anything of and untouched for STALE_COUNTER: a seed replaces it rather than raising it. */
const COUNTER_IS_STALE = `budget_counters.reserved_usd = 0 AND budget_counters.updated_at < now() - interval '${STALE_COUNTER}'`;
/** Settled spend moves from the lease into spent_usd at least this often. */
const FLUSH_INTERVAL_MS = 1_000;
/** A lease no call has used for this long goes back to the shared counter. */
const IDLE_RETURN_MS = 5_000;
/**
 * A lease asks for this many times the current call's reservation, so the next calls need no statement
 * (the call that finds a lease empty waits for one: 1 call in this many)...
 */
const CHUNK_CALLS = 256n;
/** ...but never more than this fraction of the limit at once (several instances share one budget). */
const CHUNK_LIMIT_DIVISOR = 64n;
/** An idle instance keeps at most this fraction of the limit leased, and nothing when that is less than one call. */
const IDLE_KEEP_DIVISOR = 1_000n;

/** This instance's slice of one client's budget for one period. */
interface Lease {
  clientId: string;
  periodStart: Date;
  /** the budget_reservations row that holds the lease (expires if this instance dies) */
  id: string;
  /** units this instance holds inside budget_counters.reserved_usd */
  leased: bigint;
  /** reservations of calls in flight */
  inUse: bigint;
  /** actual cost of settled calls, still inside `leased` until flushed into spent_usd */
  spent: bigint;
  /** spent + reserved of the counter (all instances) as of the last statement */
  dbUsed: bigint;
  limit: bigint;
  lastNeed: bigint;
  lastActive: number;
  flushedAt: number;
  /** serialises this lease's statements */
  tail: Promise<unknown>;
  /** a flush queued behind the tail and not started yet: later settles join it */
  pendingFlush: Promise<void> | undefined;
}

const unused = (l: Lease): bigint => l.leased - l.inUse - l.spent;

/**
 * Budget reservations in PostgreSQL, for deployments without Redis (and while
 * Redis is unreachable). One counter row per client and period holds what every
 * instance has spent and reserved; the conditional UPDATE is the atomic check.
 *
 * Instances lease budget in chunks: one statement moves a slice of the remaining
 * budget into reserved_usd (never past the limit), and calls are then reserved
 * and settled against that slice in memory. Settled spend is flushed into
 * spent_usd every second; a lease is given back when its calls are done (kept
 * only while small next to the limit) or idle. So the budget is never exceeded
 * across instances (overshoot is still bounded by what the reservations allowed)
 * and a busy instance issues a statement per chunk, not two per call. The price:
 * another instance may refuse a call while at most 1/1000 of the limit sits in
 * an idle lease here. A crashed instance's lease (a budget_reservations row)
 * expires after RESERVATION_TTL_MS and is released by the sweeper.
 *
 * The statements run on a small pool of their own with synchronous_commit off:
 * no fsync wait on the request path. A database crash can lose the last few
 * hundred ms of counter updates; the counters are bookkeeping for admission
 * (the committed truth is llm_generation_log and its rollups, which re-seed
 * them), so the worst case is an overshoot of the leases granted in that window.
 */
@Injectable()
export class PgBudgetStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('BudgetStore');
  private readonly seeded = new Map<string, number>();
  private readonly leases = new Map<string, Lease>();
  private sweeper?: NodeJS.Timeout;
  private flusher?: NodeJS.Timeout;
  private ownPool: Pool | undefined;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.sweeper = setInterval(
      () => void this.releaseExpired().catch((e: unknown) => this.logger.warn(`Releasing expired reservations failed: ${String(e)}`)),
      60_000,
    );
    this.sweeper.unref();
    this.flusher = setInterval(() => this.flushAll(false), FLUSH_INTERVAL_MS);
    this.flusher.unref();
  }

  async onModuleDestroy(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    if (this.flusher) clearInterval(this.flusher);
    await Promise.all([...this.leases.values()].map((lease) => this.flush(lease, true).catch(() => undefined)));
    await this.ownPool?.end().catch(() => undefined);
    this.ownPool = undefined;
  }

  /** Reserves; `seed` gives the period's committed spend (from the rollups) when the counter must be created. */
  async reserve(req: BudgetRequest, seed: () => Promise<string>): Promise<{ ok: boolean; usedUnits: bigint }> {
    const lease = this.leaseOf(req);
    lease.lastActive = Date.now();
    lease.limit = req.limitUnits;
    // a call of unknown price (0) is admitted while any budget is left, as before
    const need = req.reserveUnits > 0n ? req.reserveUnits : 1n;
    if (need <= unused(lease)) return this.take(lease, req);
    return this.serialized(lease, async () => {
      if (need <= unused(lease)) return this.take(lease, req);
      const counterKey = leaseKey(req);
      for (let attempt = 0; ; attempt++) {
        const seededAt = this.seeded.get(counterKey);
        if (seededAt === undefined || Date.now() - seededAt > 60_000) {
          await this.seed(req, await seed());
          this.seeded.set(counterKey, Date.now());
        }
        const granted = await this.acquire(lease, need - unused(lease), this.chunk(req, need));
        if (granted === null && attempt === 0) {
          // the counter vanished (cleanup): seed again
          this.seeded.delete(counterKey);
          continue;
        }
        if (!granted) return { ok: false, usedUnits: approxUsed(lease) };
        lease.leased += granted;
        lease.lastNeed = need;
        return this.take(lease, req);
      }
    });
  }

  /** Settles one reservation with the call's actual cost; gives the lease back once its calls are done unless it is small. */
  async settle(req: BudgetRequest, actualUnits: bigint): Promise<void> {
    const lease = this.leases.get(leaseKey(req));
    if (!lease) return;
    lease.inUse -= req.reserveUnits;
    lease.spent += actualUnits;
    lease.lastActive = Date.now();
    if (lease.inUse === 0n && unused(lease) > this.idleKeep(lease)) await this.queueFlush(lease);
  }

  private take(lease: Lease, req: BudgetRequest): { ok: true; usedUnits: bigint } {
    lease.inUse += req.reserveUnits;
    return { ok: true, usedUnits: approxUsed(lease) };
  }

  private leaseOf(req: BudgetRequest): Lease {
    const key = leaseKey(req);
    let lease = this.leases.get(key);
    if (!lease) {
      lease = {
        clientId: req.clientId,
        periodStart: req.periodStart,
        id: randomUUID(),
        leased: 0n,
        inUse: 0n,
        spent: 0n,
        dbUsed: 0n,
        limit: req.limitUnits,
        lastNeed: 0n,
        lastActive: Date.now(),
        flushedAt: Date.now(),
        tail: Promise.resolve(),
        pendingFlush: undefined,
      };
      this.leases.set(key, lease);
    }
    return lease;
  }

  /** What a lease asks for beyond the deficit: whole calls only, so a leftover never strands part of one. */
  private chunk(req: BudgetRequest, need: bigint): bigint {
    const cap = req.limitUnits / CHUNK_LIMIT_DIVISOR / need;
    const calls = cap < CHUNK_CALLS - 1n ? cap : CHUNK_CALLS - 1n;
    return calls > 0n ? calls * need : 0n;
  }

  private idleKeep(lease: Lease): bigint {
    const keep = lease.limit / IDLE_KEEP_DIVISOR;
    return keep >= lease.lastNeed && lease.lastNeed > 0n ? keep : 0n;
  }

  private serialized<T>(lease: Lease, work: () => Promise<T>): Promise<T> {
    const run = lease.tail.then(work, work);
    lease.tail = run.catch(() => undefined);
    return run;
  }

  private queueFlush(lease: Lease, returnAll = false): Promise<void> {
    if (lease.pendingFlush && !returnAll) return lease.pendingFlush;
    const pending = this.serialized(lease, () => {
      if (lease.pendingFlush === pending) lease.pendingFlush = undefined;
      return this.flush(lease, returnAll);
    });
    if (!returnAll) lease.pendingFlush = pending;
    return pending;
  }

  private flushAll(shutdown: boolean): void {
    const now = Date.now();
    for (const [key, lease] of this.leases) {
      const idle = lease.inUse === 0n && now - lease.lastActive > IDLE_RETURN_MS;
      if (idle && lease.leased === 0n && lease.spent === 0n) {
        this.leases.delete(key);
        continue;
      }
      const due = lease.spent !== 0n || idle || now - lease.flushedAt > RESERVATION_TTL_MS / 3;
      if (due || shutdown)
        void this.queueFlush(lease, idle || shutdown).catch((e: unknown) => this.logger.warn(`Flushing a budget lease failed: ${String(e)}`));
    }
  }

  /**
   * Moves settled spend into spent_usd and gives back the unused part of the
   * lease beyond what an idle instance may keep (everything when `returnAll`).
   */
  private async flush(lease: Lease, returnAll: boolean): Promise<void> {
    const spent = lease.spent;
    const free = unused(lease);
    const keep = returnAll ? 0n : lease.inUse !== 0n ? free : this.idleKeep(lease);
    const release = free > keep ? free - keep : 0n;
    if (spent === 0n && release === 0n && Date.now() - lease.flushedAt < RESERVATION_TTL_MS / 3) return;
    // taken out before the await, so no call admitted meanwhile can use what is being given back
    lease.leased -= spent + release;
    lease.spent -= spent;
    let rows: { used: string | null; held: boolean }[];
    try {
      rows = await this.query(
        `WITH r AS (
           UPDATE budget_reservations SET amount_usd = GREATEST(amount_usd - $4::numeric, 0), expires_at = now() + $6 * interval '1 millisecond'
            WHERE id = $5 RETURNING 1
         ), upd AS (
           UPDATE budget_counters
              SET spent_usd = spent_usd + $3::numeric,
                  reserved_usd = CASE WHEN EXISTS (SELECT 1 FROM r) THEN GREATEST(reserved_usd - $4::numeric, 0) ELSE reserved_usd END,
                  updated_at = now()
            WHERE client_id = $1 AND period_start = $2
           RETURNING spent_usd + reserved_usd AS used
         )
         SELECT (SELECT used::text FROM upd) AS used, EXISTS (SELECT 1 FROM r) AS held`,
        [lease.clientId, lease.periodStart, unitsToUsd(spent), unitsToUsd(spent + release), lease.id, RESERVATION_TTL_MS],
      );
    } catch (error) {
      lease.leased += spent + release;
      lease.spent += spent;
      throw error;
    }
    const row = rows[0];
    lease.flushedAt = Date.now();
    // the row expired (this instance stalled past the TTL): the sweeper already gave the lease back
    if (!row?.held) lease.leased = 0n;
    if (row?.used != null) lease.dbUsed = usdToUnits(row.used, 'nearest');
  }

  /** Leases at least `deficit` (up to `deficit + extra`) in one statement; 0 when the budget cannot cover it, null when the counter is missing. */
  private async acquire(lease: Lease, deficit: bigint, extra: bigint): Promise<bigint | null> {
    const rows: { used: string; granted: string }[] = await this.query(
      `WITH c AS (
         SELECT spent_usd + reserved_usd AS used FROM budget_counters WHERE client_id = $1 AND period_start = $2 FOR UPDATE
       ), g AS (
         SELECT used, CASE WHEN $5::numeric - used >= $3::numeric THEN LEAST($4::numeric, $5::numeric - used) ELSE 0 END AS granted FROM c
       ), upd AS (
         UPDATE budget_counters b SET reserved_usd = b.reserved_usd + g.granted, updated_at = now() FROM g
          WHERE b.client_id = $1 AND b.period_start = $2 AND g.granted > 0
       ), ins AS (
         INSERT INTO budget_reservations (id, client_id, period_start, amount_usd, expires_at)
         SELECT $6, $1, $2, g.granted, now() + $7 * interval '1 millisecond' FROM g WHERE g.granted > 0
         ON CONFLICT (id) DO UPDATE SET amount_usd = budget_reservations.amount_usd + EXCLUDED.amount_usd, expires_at = EXCLUDED.expires_at
       )
       SELECT used::text AS used, granted::text AS granted FROM g`,
      [lease.clientId, lease.periodStart, unitsToUsd(deficit), unitsToUsd(deficit + extra), unitsToUsd(lease.limit), lease.id, RESERVATION_TTL_MS],
    );
    const row = rows[0];
    if (!row) return null;
    const granted = usdToUnits(row.granted, 'nearest');
    lease.dbUsed = usdToUnits(row.used, 'nearest') + granted;
    lease.flushedAt = Date.now();
    return granted;
  }

  /**
   * A counter nobody holds a lease on and untouched for a while starts again from the seed; any other
   * is only ever raised to it (spent + reserved at least the seed), so a seed that knows of more spend
   * (Redis's counter, a commit the counter lost) counts, and none is counted twice.
   */
  private async seed(req: BudgetRequest, spentUsd: string): Promise<void> {
    await this.query(
      `INSERT INTO budget_counters (client_id, period_start, spent_usd) VALUES ($1, $2, $3::numeric)
       ON CONFLICT (client_id, period_start) DO UPDATE
         SET spent_usd = CASE WHEN ${COUNTER_IS_STALE} THEN EXCLUDED.spent_usd ELSE EXCLUDED.spent_usd - budget_counters.reserved_usd END,
             updated_at = now()
        WHERE (${COUNTER_IS_STALE}) OR budget_counters.spent_usd + budget_counters.reserved_usd < EXCLUDED.spent_usd`,
      [req.clientId, req.periodStart, spentUsd],
    );
  }

  private async releaseExpired(): Promise<void> {
    await this.query(
      `WITH gone AS (DELETE FROM budget_reservations WHERE expires_at < now() RETURNING client_id, period_start, amount_usd),
            sums AS (SELECT client_id, period_start, sum(amount_usd) AS amount FROM gone GROUP BY 1, 2)
       UPDATE budget_counters c SET reserved_usd = GREATEST(c.reserved_usd - s.amount, 0)
         FROM sums s WHERE c.client_id = s.client_id AND c.period_start = s.period_start`,
    );
    await this.query(`DELETE FROM budget_counters WHERE period_start < now() - interval '40 days' AND reserved_usd = 0`);
  }

  private async query<T>(text: string, values: unknown[] = []): Promise<T[]> {
    return (await this.pool().query(text, values)).rows as T[];
  }

  /** Same server and credentials as the application pool; asynchronous commit (see the class comment). */
  private pool(): Pool {
    this.ownPool ??= asyncCommitPool(this.dataSource, 4, this.logger, 'Budget');
    return this.ownPool;
  }
}

function leaseKey(req: Pick<BudgetRequest, 'clientId' | 'periodStart'>): string {
  return `${req.clientId}:${req.periodStart.getTime()}`;
}

/** Spent or reserved by everyone, counting this instance's lease only as far as it is used. */
function approxUsed(lease: Lease): bigint {
  const used = lease.dbUsed - unused(lease);
  return used > 0n ? used : 0n;
}
