import { Injectable, Logger, Optional } from '@nestjs/common';
import Decimal from 'decimal.js';
import { randomUUID } from 'node:crypto';
import { AppError, ErrorDetail } from '../../common/errors/app-error';
import { Caller } from '../../common/caller';
import { BillingReadService } from '../../billing/billing-read.service';
import { MetricsService } from '../../billing/metrics.service';
import { ClientBudgetPolicy } from '../client-policy';
import { ClientsRepository } from '../clients.repository';
import { KeyLookupService } from '../key-lookup.service';
import { PeriodBounds, periodBounds } from '../../billing/budget-period';
import { AdmitOutcome, BudgetRequest, RateRequest, SettleRequest, SharedLimitsState, WindowState } from './limit-types';
import { MemoryRateLimiter } from './memory-rate-limiter';
import { PgBudgetStore } from './pg-budget.store';
import { RedisLimitStore } from './redis-limit.store';
import { RedisBacklog } from './redis-backlog';
import { LeasedAdmission, SharedLeases } from './redis-leases';
import { unitsToUsd, usdToUnits } from './usd-units';
import { ExactDecimal } from '../../billing/exact-decimal';
import { parseFixed, pow10 } from '../../billing/fixed-decimal';

export interface AdmissionRequest {
  provider: string;
  model: string;
  estimatedInputTokens: number;
  /** the most output the call may produce, over all its choices */
  maxOutputTokens: number;
  /** the most the call can cost (input estimate + max_tokens at the model's price); null when the price is unknown */
  maxCostUsd: string | null;
  /** whether maxOutputTokens is the caller's max_tokens (false: a default was assumed); undefined when the call has no text output */
  maxTokensGiven?: boolean;
  /** n > 1: the choices maxOutputTokens is max_tokens (or the default) for each of; absent: one */
  choices?: number;
}

export interface ActualUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: string | null;
}

export interface Admission {
  /** x-ratelimit-* headers for the response (empty when no limit applies) */
  headers: Record<string, string>;
  /** Reconciles the reservation with what the call really used; call exactly once, also on failure. */
  settle(actual: ActualUsage): Promise<void>;
}

const ADJECTIVE = { day: 'daily', week: 'weekly', month: 'monthly' } as const;

const NO_LIMITS: Admission = { headers: {}, settle: async () => undefined };

/** Redis answered (it asked for its budget counter to be seeded); the database could not say what was spent. */
class SpendUnreadable extends Error {
  constructor(cause: unknown) {
    super(`the recorded spend could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Rate limits (RPM, TPM) and the hard budget, checked before a provider is
 * called and reconciled after. With Redis the counters are shared by every
 * instance (one round trip); without it, or while it is unreachable, rate
 * limits are per instance and budget reservations go through PostgreSQL,
 * counting on from what Redis last reported; what Redis missed meanwhile is
 * sent to it before it admits a call again (RedisBacklog).
 * Calls whose price is unknown cannot be bounded by the budget: they are
 * admitted while the budget is not spent, and logged.
 */
@Injectable()
export class LimitsService {
  private readonly logger = new Logger('Limits');
  private readonly memory = new MemoryRateLimiter();
  private readonly periods = new Map<string, PeriodBounds>();
  private readonly alerted = new Map<string, string>();
  private readonly unpricedWarned = new Map<string, number>();
  private readonly leases: SharedLeases;
  private readonly backlog: RedisBacklog;
  /** what Redis last said a client's budget had used (spent and reserved): where the PostgreSQL counter starts without it */
  private readonly sharedBudgetUsed = new Map<string, { periodStart: number; units: bigint }>();

  constructor(
    private readonly redis: RedisLimitStore,
    private readonly pgBudget: PgBudgetStore,
    private readonly lookup: KeyLookupService,
    private readonly spend: BillingReadService,
    private readonly clients: ClientsRepository,
    @Optional() metrics?: MetricsService,
  ) {
    this.backlog = new RedisBacklog((req) => this.redis.settle(req), this.logger);
    metrics?.attachLimits({
      shared: () => (redis.configured ? (redis.sharing ? 1 : 0) : null),
      redisBacklog: () => this.backlog.size,
    });
    this.leases = new SharedLeases(
      (rate, budget, requests) => this.admitShared(rate, budget, requests),
      (req) => this.settleShared(req),
      (error) => this.logger.warn(`Could not give back a lease of shared limits: ${String(error)}`),
    );
    // leases, and what Redis has still to be told, go back before the connection closes (a stopped instance holds nothing it does not use)
    redis.beforeDisconnect(async () => {
      await this.leases.close();
      if (this.backlog.pending) await this.backlog.flush();
    });
  }

  /** Whether rate limits are shared through Redis right now (for /health/ready). */
  sharedState(): Promise<SharedLimitsState> {
    return this.redis.state();
  }

  async admit(caller: Caller, req: AdmissionRequest): Promise<Admission> {
    const policy = await this.lookup.budgetPolicy(caller.clientId);
    const hasBudget = policy !== null && policy.budgetUsd !== null;
    if (!caller.rateLimitRpm && !caller.rateLimitTpm && !hasBudget) return NO_LIMITS;

    const tokens = Math.max(0, Math.ceil(req.estimatedInputTokens)) + Math.max(0, Math.ceil(req.maxOutputTokens));
    // a key narrowing its client's limits takes from a bucket of its own besides the client's, which keeps the client's
    // limits: narrowed into the client's bucket, one key's calls emptied it for every other key of the client
    const narrowed = caller.narrowedLimits;
    const clientLimits = narrowed?.client ?? { rpm: caller.rateLimitRpm, tpm: caller.rateLimitTpm };
    const rate: RateRequest = { clientId: caller.clientId, rpm: clientLimits.rpm, tpm: clientLimits.tpm, tokens };
    const keyRate: RateRequest | null = narrowed ? { clientId: keyBucketOwner(caller.apiKeyId), ...narrowed.key, tokens } : null;
    const budget = hasBudget ? this.budgetRequest(caller, policy, req) : null;

    const keyPart = keyRate ? await this.admitPart(keyRate, null) : null;
    if (keyPart && !keyPart.outcome.ok) throw this.rejection(keyPart.outcome, caller, policy, budget, req, keyRate!);
    let clientPart: AdmittedPart;
    try {
      // a client without limits of its own, whose key narrows them, has nothing of its own to take from
      clientPart = rate.rpm || rate.tpm || budget ? await this.admitPart(rate, budget) : { outcome: { ok: true }, shared: false };
    } catch (error) {
      if (keyPart) this.giveBack(keyPart, keyRate!);
      throw error;
    }
    const { outcome } = clientPart;
    if (!outcome.ok) {
      if (keyPart) this.giveBack(keyPart, keyRate!);
      throw this.rejection(outcome, caller, policy, budget, req, rate);
    }
    if (budget && policy && outcome.budgetUsedUnits !== undefined) this.checkSoftThreshold(caller, policy, budget, outcome.budgetUsedUnits);

    let settled = false;
    const keyOutcome = keyPart?.outcome.ok ? keyPart.outcome : undefined;
    return {
      headers: rateHeaders(tighter(outcome.requests, keyOutcome?.requests), tighter(outcome.tokens, keyOutcome?.tokens)),
      settle: async (actual) => {
        if (settled) return;
        settled = true;
        const client = this.settlePart(clientPart, rate, budget, actual);
        // nearly every key narrows nothing: its settling is the client's alone, with no array or Promise.all per call
        if (!keyPart) return client;
        await Promise.all([client, this.settlePart(keyPart, keyRate!, null, actual)]);
      },
    };
  }

  /** One bucket owner's admission (the client's, with the budget; or a narrowing key's): shared through Redis when it answers. */
  private async admitPart(rate: RateRequest, budget: BudgetRequest | null): Promise<AdmittedPart> {
    let shared = this.redis.tryNow();
    if (shared) {
      try {
        // what Redis has still to be told goes first: no call is admitted on a counter that misses it
        if (this.backlog.pending) await this.backlog.flush();
        const leased = await this.leases.admit(rate, budget);
        // no lease (small limits, or too little left for one): this call alone, the exact answer near a limit
        return { outcome: leased ? leased.outcome : await this.admitShared(rate, budget), leased, shared };
      } catch (error) {
        // only Redis's own failures make the next calls skip it
        if (!(error instanceof SpendUnreadable)) this.redis.commandFailed(error);
        shared = false;
      }
    } else if (this.redis.configured) {
      this.redis.markFailure(new Error('not connected'));
    }
    return { outcome: await this.admitLocal(rate, budget), shared };
  }

  private async settlePart(part: AdmittedPart, rate: RateRequest, budget: BudgetRequest | null, actual: ActualUsage): Promise<void> {
    if (part.leased) return part.leased.settle(usedTokens(actual), actualBudgetUnits(budget, actual));
    const generation = part.outcome.ok ? part.outcome.budgetGeneration : undefined;
    await this.settle(rate, budget, part.shared, actual, generation).catch((error: unknown) =>
      this.logger.warn(`Could not reconcile limits for ${rate.clientId}: ${String(error)}`),
    );
  }

  /** A key's admission when its client's refused the call: the call was not made (a leased slot keeps its request). */
  private giveBack(part: AdmittedPart, rate: RateRequest): void {
    if (!part.outcome.ok) return;
    if (part.leased) return part.leased.settle(0, 0n);
    if (!part.shared) return this.memory.release(rate);
    void this.settleShared({
      clientId: rate.clientId,
      tpm: rate.tpm,
      tokenRefund: rate.tokens,
      budget: null,
      requestRefund: rate.rpm ? { rpm: rate.rpm, requests: 1 } : undefined,
    });
  }

  /** `requests` > 1: a lease of that many calls (SharedLeases). */
  private async admitShared(rate: RateRequest, budget: BudgetRequest | null, requests = 1): Promise<AdmitOutcome> {
    let outcome: AdmitOutcome | 'seed';
    try {
      outcome = await this.redis.admit(rate, budget, null, requests);
      if (outcome === 'seed') {
        const recorded = await this.spend.clientSpend(rate.clientId, budget!.periodStart, budget!.periodEnd).catch((error: unknown) => {
          throw new SpendUnreadable(error);
        });
        outcome = await this.redis.admit(rate, budget, usdToUnits(recorded, 'nearest'), requests);
        if (outcome === 'seed') throw new Error('budget counter could not be seeded');
      }
    } catch (error) {
      // unanswered, it may still reach Redis and reserve: cancelled once Redis answers again (a request to seed reserved nothing)
      if (budget && budget.reserveUnits > 0n && !(error instanceof SpendUnreadable)) this.backlog.admissionFailed(budget);
      throw error;
    }
    if (budget && 'budgetUsedUnits' in outcome && outcome.budgetUsedUnits !== undefined) {
      this.sharedBudgetUsed.set(budget.clientId, { periodStart: budget.periodStart.getTime(), units: outcome.budgetUsedUnits });
    }
    return outcome;
  }

  /** A settlement Redis did not confirm is kept and sent again once it answers. */
  private settleShared(req: SettleRequest): Promise<void> {
    return this.redis.settle(req).catch((error: unknown) => this.backlog.settlementFailed(req, error));
  }

  private async admitLocal(rate: RateRequest, budget: BudgetRequest | null): Promise<AdmitOutcome> {
    const outcome = this.memory.admit(rate);
    if (!outcome.ok || !budget) return outcome;
    try {
      const reserved = await this.pgBudget.reserve(budget, () => this.localBudgetSeed(budget));
      if (reserved.ok) return { ...outcome, budgetUsedUnits: reserved.usedUnits };
      this.memory.release(rate);
      return { ok: false, reason: 'budget', budgetUsedUnits: reserved.usedUnits };
    } catch (error) {
      this.memory.release(rate);
      throw error;
    }
  }

  /**
   * Where this period's PostgreSQL counter starts when a call is admitted without Redis: the recorded
   * spend, or what Redis last said was used (with the calls in flight) when that is more.
   */
  private async localBudgetSeed(budget: BudgetRequest): Promise<string> {
    const recorded = await this.spend.clientSpend(budget.clientId, budget.periodStart, budget.periodEnd);
    const shared = this.sharedBudgetUsed.get(budget.clientId);
    if (shared && shared.periodStart === budget.periodStart.getTime() && shared.units > usdToUnits(recorded, 'nearest')) return unitsToUsd(shared.units);
    return recorded;
  }

  private async settle(rate: RateRequest, budget: BudgetRequest | null, shared: boolean, actual: ActualUsage, generation?: string): Promise<void> {
    const tokenRefund = rate.tokens - usedTokens(actual);
    const actualUnits = actualBudgetUnits(budget, actual);
    if (shared) {
      await this.settleShared({
        clientId: rate.clientId,
        tpm: rate.tpm,
        tokenRefund,
        budget: budget
          ? { periodStart: budget.periodStart, reservationId: budget.reservationId, reservedUnits: budget.reserveUnits, actualUnits, generation }
          : null,
      });
      return;
    }
    if (rate.tpm) this.memory.adjustTokens(rate.clientId, rate.tpm, tokenRefund);
    if (!budget) return;
    // Redis's counter learns what was spent without it once it answers again
    if (this.redis.configured) this.backlog.spentWithoutRedis(budget, actualUnits);
    await this.pgBudget.settle(budget, actualUnits);
  }

  private budgetRequest(caller: Caller, policy: ClientBudgetPolicy, req: AdmissionRequest): BudgetRequest {
    const bounds = this.currentPeriod(policy);
    if (req.maxCostUsd === null) this.warnUnpriced(caller, req);
    return {
      clientId: caller.clientId,
      periodStart: bounds.start,
      periodEnd: bounds.end,
      limitUnits: usdToUnits(policy.budgetUsd!, 'nearest'),
      reserveUnits: req.maxCostUsd === null ? 0n : usdToUnits(req.maxCostUsd, 'up'),
      reservationId: randomUUID(),
    };
  }

  /** Period bounds are cached until the period ends (Intl is not free on the hot path). */
  private currentPeriod(policy: ClientBudgetPolicy, now = new Date()): PeriodBounds {
    const key = `${policy.budgetPeriod}:${policy.budgetTimezone}`;
    const cached = this.periods.get(key);
    if (cached && cached.start <= now && now < cached.end) return cached;
    const bounds = periodBounds(policy.budgetPeriod, policy.budgetTimezone, now);
    this.periods.set(key, bounds);
    return bounds;
  }

  private rejection(
    outcome: Exclude<AdmitOutcome, { ok: true }>,
    caller: Caller,
    policy: ClientBudgetPolicy | null,
    budget: BudgetRequest | null,
    req: AdmissionRequest,
    rate: RateRequest,
  ): AppError {
    if (outcome.reason === 'budget') return budgetExceeded(caller, policy!, budget!, outcome.budgetUsedUnits, this.currentPeriod(policy!).key, req);
    const which = outcome.reason === 'requests' ? `${rate.rpm} requests` : `${rate.tpm} tokens`;
    // with a narrowing key, two limits apply: say whose was reached
    const whose = !caller.narrowedLimits
      ? ''
      : rate.clientId === caller.clientId
        ? ` (client "${caller.clientName}", all its keys together)`
        : " (this API key's own)";
    const appError = new AppError(
      'rate_limited',
      `Rate limit of ${which} per minute${whose} reached; retry after ${outcome.retryAfterS} s`,
      [],
      outcome.retryAfterS,
    );
    (appError as AppError & { headers?: Record<string, string> }).headers = rateHeaders(outcome.requests, outcome.tokens);
    return appError;
  }

  private checkSoftThreshold(caller: Caller, policy: ClientBudgetPolicy, budget: BudgetRequest, usedUnits: bigint): void {
    if (policy.budgetAlertThreshold === null) return;
    const period = this.currentPeriod(policy);
    if (this.alerted.get(caller.clientId) === period.key) return;
    if (belowThreshold(usedUnits, policy.budgetAlertThreshold, budget.limitUnits)) return;
    this.alerted.set(caller.clientId, period.key);
    void this.clients
      .markBudgetAlerted(caller.clientId, period.key)
      .then((first) => {
        if (first) {
          this.logger.warn(
            `Client "${caller.clientName}" (${caller.clientId}) passed ${new Decimal(policy.budgetAlertThreshold!).mul(100).toFixed()}% ` +
              `of its ${ADJECTIVE[policy.budgetPeriod]} budget of ${policy.budgetUsd} USD ` +
              `(period ${period.key}: ${unitsToUsd(usedUnits)} USD spent or reserved)`,
          );
        }
      })
      .catch((error: unknown) => this.logger.warn(`Could not record the budget alert: ${String(error)}`));
  }

  private warnUnpriced(caller: Caller, req: AdmissionRequest): void {
    const last = this.unpricedWarned.get(caller.clientId) ?? 0;
    if (Date.now() - last < 60_000) return;
    this.unpricedWarned.set(caller.clientId, Date.now());
    this.logger.warn(
      `Client "${caller.clientName}" has a budget but ${req.provider}/${req.model} has no known price: the call cannot be bounded by the budget`,
    );
  }
}

/** What one bucket owner admitted a call with: a lease's slot, or an admission of its own (shared: through Redis). */
interface AdmittedPart {
  outcome: AdmitOutcome;
  leased?: LeasedAdmission;
  shared: boolean;
}

/** The bucket owner of a key's own limits (buckets are kept per owner, in memory and in Redis). */
function keyBucketOwner(apiKeyId: string): string {
  return `key:${apiKeyId}`;
}

/** The window that leaves less, for the headers when a key's own limit and its client's both apply. */
function tighter(a: WindowState | undefined, b: WindowState | undefined): WindowState | undefined {
  if (!a || !b) return a ?? b;
  return { limit: Math.min(a.limit, b.limit), remaining: Math.min(a.remaining, b.remaining), resetS: Math.max(a.resetS, b.resetS) };
}

function usedTokens(actual: ActualUsage): number {
  return Math.max(0, actual.inputTokens) + Math.max(0, actual.outputTokens);
}

/** What a call spent of the budget; an unknown actual cost keeps the reservation as spent (the safe side). */
function actualBudgetUnits(budget: BudgetRequest | null, actual: ActualUsage): bigint {
  if (!budget) return 0n;
  return actual.costUsd !== null ? usdToUnits(actual.costUsd, 'nearest') : budget.reserveUnits;
}

/**
 * The 402 says what the call needed (the reservation: the most it may cost),
 * what remains of the budget, and, for a text call, that max_tokens lowers the
 * reservation; `details` carries the same figures machine-readable.
 */
export function budgetExceeded(
  caller: Caller,
  policy: ClientBudgetPolicy,
  budget: BudgetRequest,
  usedUnits: bigint,
  periodKey: string,
  req: AdmissionRequest,
): AppError {
  const adjective = ADJECTIVE[policy.budgetPeriod];
  const needed = unitsToUsd(budget.reserveUnits);
  const remainingUnits = budget.limitUnits > usedUnits ? budget.limitUnits - usedUnits : 0n;
  const remaining = unitsToUsd(remainingUnits);
  const limit = new Decimal(policy.budgetUsd!).toFixed();
  const spent = unitsToUsd(usedUnits);
  const choices = req.choices ?? 1;
  const perChoice = req.maxOutputTokens / choices;
  const each = choices > 1 ? ` for each of ${choices} choices (n)` : '';
  const output =
    req.maxTokensGiven === undefined
      ? ''
      : req.maxTokensGiven
        ? `max_tokens ${perChoice}${each}`
        : `${perChoice} output tokens assumed${each}, as no max_tokens was set`;
  const details: ErrorDetail[] = [
    { field: 'reserved_usd', value: needed, message: `reserved for this call before it runs: the most it may cost (input${output ? ` + ${output}` : ''})` },
    { field: 'remaining_usd', value: remaining, message: `left in the ${adjective} budget (period ${periodKey})` },
    { field: 'budget_usd', value: limit, message: `the ${adjective} budget` },
    { field: 'spent_usd', value: spent, message: 'spent or reserved by calls so far this period' },
  ];
  let hint = '';
  if (req.maxTokensGiven !== undefined && budget.reserveUnits > remainingUnits && remainingUnits > 0n) {
    const orN = choices > 1 ? ' (or n)' : '';
    hint = req.maxTokensGiven ? ` A lower max_tokens${orN} lowers the reservation.` : ` Setting max_tokens${orN} lowers the reservation.`;
    details.push({
      field: 'max_tokens',
      value: perChoice,
      message: `output tokens the reservation assumed${each}; ${req.maxTokensGiven ? 'a lower' : 'setting'} max_tokens lowers it`,
    });
  }
  return new AppError(
    'budget_exceeded',
    `The ${adjective} budget of ${limit} USD for client "${caller.clientName}" does not cover this request: it needs ${needed} USD reserved ` +
      `(the most it may cost${output ? `, with ${output}` : ''}) and ${remaining} USD remains (period ${periodKey}: ${spent} USD spent or reserved).${hint}`,
    details,
  );
}

/** used < threshold × limit, exactly (integers when the threshold is a plain decimal, as stored). */
function belowThreshold(usedUnits: bigint, threshold: string, limitUnits: bigint): boolean {
  const t = parseFixed(threshold);
  if (t) return usedUnits * pow10(t.scale) < t.digits * limitUnits;
  return new ExactDecimal(usedUnits.toString()).lt(new ExactDecimal(threshold).mul(limitUnits.toString()));
}

export function rateHeaders(requests?: WindowState, tokens?: WindowState): Record<string, string> {
  const headers: Record<string, string> = {};
  if (requests) {
    headers['x-ratelimit-limit-requests'] = String(requests.limit);
    headers['x-ratelimit-remaining-requests'] = String(requests.remaining);
    headers['x-ratelimit-reset-requests'] = `${requests.resetS}s`;
  }
  if (tokens) {
    headers['x-ratelimit-limit-tokens'] = String(tokens.limit);
    headers['x-ratelimit-remaining-tokens'] = String(tokens.remaining);
    headers['x-ratelimit-reset-tokens'] = `${tokens.resetS}s`;
  }
  return headers;
}
