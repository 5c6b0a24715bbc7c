import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/env.schema';
import { AdmitOutcome, BudgetRequest, RESERVATION_TTL_MS, RateRequest, SettleRequest, SharedLimitsState, WindowState } from './limit-types';
import { ADMIT_SCRIPT, SETTLE_SCRIPT } from './redis-scripts';
import { windowState } from './token-bucket';

type RedisWithScripts = Redis & {
  llmhubAdmit(...args: string[]): Promise<string[]>;
  /** the number of keys first: it varies with the calls settled together */
  llmhubSettle(numberOfKeys: number, ...args: string[]): Promise<string>;
};

/** How long a stopping instance waits for its last settlements (leases given back) before it disconnects. */
const DRAIN_TIMEOUT_MS = 1_000;

/**
 * After a command fails (a timeout: Redis stalled, or too busy to answer in time) calls skip Redis this
 * long, then one call asks it again: a stalled Redis costs one call in a while its timeout, not every call.
 */
const PAUSE_AFTER_FAILURE_MS = 1_000;

/** Budget counters outlive their period by a day (late settlements still land). */
const BUDGET_KEY_GRACE_MS = 24 * 3_600_000;

/**
 * Shared limits in Redis (REDIS_URL). `available` is false while Redis is
 * unreachable; the limits service then falls back to per-instance limits and
 * returns here on its own once the connection is ready again.
 */
@Injectable()
export class RedisLimitStore implements OnModuleDestroy {
  private readonly logger = new Logger('RedisLimits');
  private readonly redis: RedisWithScripts | null;
  private degraded = false;
  /** set after a failed command: until then calls do not ask Redis (0: no pause) */
  private pausedUntil = 0;
  /** settlements waiting for the end of this turn, by client */
  private pendingSettles = new Map<string, { req: SettleRequest; resolve(): void; reject(error: unknown): void }[]>();
  private settleScheduled = false;
  private readonly drainHooks: (() => Promise<void>)[] = [];

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = config.redisUrl ? this.connect(config.redisUrl, config.redisCommandTimeoutMs) : null;
  }

  get configured(): boolean {
    return this.redis !== null;
  }

  /** Connected, and not pausing after a failed command. */
  get available(): boolean {
    return this.redis !== null && this.redis.status === 'ready' && Date.now() >= this.pausedUntil;
  }

  /** Connected, and no command has failed since it last answered: limits are shared (the metrics' view). */
  get sharing(): boolean {
    return this.redis !== null && this.redis.status === 'ready' && !this.degraded;
  }

  /** Whether a call should ask Redis now; when a pause ends, the first call to ask is the one that tries it again. */
  tryNow(): boolean {
    if (this.redis === null || this.redis.status !== 'ready') return false;
    if (this.pausedUntil === 0) return true;
    const now = Date.now();
    if (now < this.pausedUntil) return false;
    // this call is the probe: the others keep skipping Redis until it answers (or fails and pauses again)
    this.pausedUntil = now + PAUSE_AFTER_FAILURE_MS;
    return true;
  }

  /** For /health/ready: whether limits are shared right now (a PING, bounded by the command timeout). */
  async state(): Promise<SharedLimitsState> {
    if (!this.redis) return 'not_configured';
    if (this.redis.status !== 'ready') return 'unreachable';
    return this.redis.ping().then(
      () => 'ok',
      () => 'unreachable',
    );
  }

  /**
   * Returns 'seed' when the budget counter of this period does not exist yet (call again with `seed`).
   * `requests` > 1 takes a lease: that many requests, with `rate.tokens` and `budget.reserveUnits` for all of them.
   */
  async admit(rate: RateRequest, budget: BudgetRequest | null, seedUnits: bigint | null, requests = 1): Promise<AdmitOutcome | 'seed'> {
    const tag = `{${rate.clientId}}`;
    const periodTag = budget ? `${tag}:${budget.periodStart.getTime()}` : tag;
    const keyTtl = budget ? String(Math.max(60_000, budget.periodEnd.getTime() - Date.now() + BUDGET_KEY_GRACE_MS)) : '0';
    const reply = await this.client().llmhubAdmit(
      `llmhub:rl:${tag}:req`,
      `llmhub:rl:${tag}:tok`,
      `llmhub:budget:${periodTag}:used`,
      `llmhub:budget:${periodTag}:open`,
      `llmhub:budget:${periodTag}:gen`,
      String(rate.rpm ?? 0),
      String(rate.tpm ?? 0),
      String(rate.tokens),
      budget ? budget.limitUnits.toString() : '',
      budget ? budget.reserveUnits.toString() : '0',
      String(RESERVATION_TTL_MS),
      keyTtl,
      seedUnits === null ? '' : seedUnits.toString(),
      budget?.reservationId ?? '',
      String(requests),
    );
    if (this.degraded) this.answered();
    const [status, a, b, c, generation] = reply;
    if (status === 'seed') return 'seed';
    if (status === 'budget') return { ok: false, reason: 'budget', budgetUsedUnits: BigInt(a) };
    if (status === 'requests' || status === 'tokens') {
      const windows = this.windows(rate, Number(b), Number(c));
      // a refusal by requests returns before the script reads the tokens bucket (level -1): no tokens state to report
      // (it read as 0 tokens left, full again in 61 s), as without Redis
      if (status === 'requests') windows.tokens = undefined;
      return { ok: false, reason: status, retryAfterS: Math.max(1, Number(a)), ...windows };
    }
    return {
      ok: true,
      ...this.windows(rate, Number(a), Number(b)),
      budgetUsedUnits: budget ? BigInt(c) : undefined,
      budgetGeneration: budget ? (generation ?? '') : undefined,
    };
  }

  /**
   * Settles a call. The settlements of one client asked for in the same turn of the event loop go
   * to Redis as one script call (at load, one round trip per call instead of two); each caller's
   * promise still resolves only once its own settlement is applied.
   */
  settle(req: SettleRequest): Promise<void> {
    const client = this.client();
    return new Promise<void>((resolve, reject) => {
      let batch = this.pendingSettles.get(req.clientId);
      if (!batch) {
        batch = [];
        this.pendingSettles.set(req.clientId, batch);
      }
      batch.push({ req, resolve, reject });
      if (!this.settleScheduled) {
        this.settleScheduled = true;
        setImmediate(() => this.flushSettles(client));
      }
    });
  }

  private flushSettles(client: RedisWithScripts): void {
    this.settleScheduled = false;
    const batches = this.pendingSettles;
    this.pendingSettles = new Map();
    for (const [clientId, batch] of batches) {
      const tag = `{${clientId}}`;
      const keys = [`llmhub:rl:${tag}:tok`, `llmhub:rl:${tag}:req`];
      const args: string[] = [];
      for (const { req } of batch) {
        const b = req.budget;
        const periodTag = b ? `${tag}:${b.periodStart.getTime()}` : tag;
        keys.push(`llmhub:budget:${periodTag}:used`, `llmhub:budget:${periodTag}:open`, `llmhub:budget:${periodTag}:gen`);
        args.push(
          String(req.tpm ?? 0),
          String(req.tokenRefund),
          b ? (b.unreserved ? '2' : '1') : '0',
          b ? `${b.reservationId}:${b.reservedUnits}` : '',
          b ? (b.actualUnits - b.reservedUnits).toString() : '0',
          b ? b.actualUnits.toString() : '0',
          String(req.requestRefund?.rpm ?? 0),
          String(req.requestRefund?.requests ?? 0),
          b?.generation ?? '',
        );
      }
      let sent: Promise<string>;
      try {
        sent = client.llmhubSettle(keys.length, ...keys, ...args);
      } catch (error) {
        sent = Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      sent.then(
        () => {
          for (const waiter of batch) waiter.resolve();
        },
        (error: unknown) => {
          for (const waiter of batch) waiter.reject(error);
        },
      );
    }
  }

  /** Called while Redis cannot be asked: remember it so the next success can say Redis is back. */
  markFailure(error: unknown): void {
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn(`Redis unreachable (${error instanceof Error ? error.message : String(error)}): enforcing per-instance limits until it returns`);
    }
  }

  /** Called when an admission got no answer: calls skip Redis for a while (tryNow). */
  commandFailed(error: unknown): void {
    this.pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
    this.markFailure(error);
  }

  private answered(): void {
    this.degraded = false;
    this.pausedUntil = 0;
    this.logger.warn('Redis reachable again: limits are shared across instances again');
  }

  /** Work to finish while the connection is still open when the application stops (giving back leases). */
  beforeDisconnect(hook: () => Promise<void>): void {
    this.drainHooks.push(hook);
  }

  async onModuleDestroy(): Promise<void> {
    // connected, even in a pause: what is given back now is not left for the reservations' TTL
    if (this.redis?.status === 'ready') {
      const bound = new Promise<void>((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref());
      await Promise.race([Promise.all(this.drainHooks.map((hook) => hook().catch(() => undefined))), bound]);
    }
    this.redis?.disconnect();
  }

  private windows(rate: RateRequest, requestsLevel: number, tokensLevel: number): { requests?: WindowState; tokens?: WindowState } {
    return {
      requests: rate.rpm ? windowState(rate.rpm, requestsLevel) : undefined,
      tokens: rate.tpm ? windowState(rate.tpm, tokensLevel) : undefined,
    };
  }

  private client(): RedisWithScripts {
    if (!this.redis) throw new Error('Redis is not configured');
    return this.redis;
  }

  private connect(url: string, commandTimeoutMs: number): RedisWithScripts {
    const redis = new Redis(url, {
      // fail fast instead of queueing: a request must never wait for Redis to come back
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: commandTimeoutMs,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(200 * attempt, 2_000),
      lazyConnect: false,
    }) as RedisWithScripts;
    redis.defineCommand('llmhubAdmit', { numberOfKeys: 5, lua: ADMIT_SCRIPT });
    redis.defineCommand('llmhubSettle', { lua: SETTLE_SCRIPT });
    redis.on('error', (error: Error) => this.markFailure(error));
    redis.on('ready', () => {
      if (this.degraded) this.answered();
      this.pausedUntil = 0;
    });
    return redis;
  }
}
