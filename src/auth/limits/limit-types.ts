import { COST_SCALE } from '../../billing/fixed-decimal';

/** One rate-limit dimension as reported in x-ratelimit-* headers. */
export interface WindowState {
  limit: number;
  remaining: number;
  /** seconds until the bucket is full again */
  resetS: number;
}

export interface RateRequest {
  /** bucket owner: the client id */
  clientId: string;
  rpm: number | null;
  tpm: number | null;
  /** tokens reserved: input estimate + max output */
  tokens: number;
}

export interface BudgetRequest {
  clientId: string;
  periodStart: Date;
  periodEnd: Date;
  /** hard limit, in units of 1e-10 USD (integer string) */
  limitUnits: bigint;
  /** this call's maximum cost, same units */
  reserveUnits: bigint;
  reservationId: string;
}

export type AdmitOutcome =
  | {
      ok: true;
      requests?: WindowState;
      tokens?: WindowState;
      budgetUsedUnits?: bigint;
      /** the Redis budget counter's generation the reservation was made in (changes when the counter is seeded again) */
      budgetGeneration?: string;
    }
  | { ok: false; reason: 'requests' | 'tokens'; retryAfterS: number; requests?: WindowState; tokens?: WindowState }
  | { ok: false; reason: 'budget'; budgetUsedUnits: bigint };

export interface SettleRequest {
  clientId: string;
  tpm: number | null;
  /** reserved minus actual tokens (negative when the call used more than reserved) */
  tokenRefund: number;
  /** `unreserved`: spend of calls admitted without Redis, added to its counter (no reservation of its own to settle) */
  budget: {
    periodStart: Date;
    reservationId: string;
    reservedUnits: bigint;
    actualUnits: bigint;
    unreserved?: true;
    /** the counter's generation the reservation was made in ('' unknown): another one means Redis lost the reservation */
    generation?: string;
  } | null;
  /** a lease's calls that were never made go back to the requests bucket */
  requestRefund?: { rpm: number; requests: number };
}

/** USD are counted in integers of 1e-10 USD (the scale of every recorded cost), so no float ever adds money up. */
export const USD_UNIT_SCALE = COST_SCALE;

/** Reservations of calls whose instance died are released after this. */
export const RESERVATION_TTL_MS = 15 * 60_000;

/** Where rate limits are counted: in Redis, shared by every instance ('ok'), or per instance (Redis unreachable, or not configured). */
export type SharedLimitsState = 'ok' | 'unreachable' | 'not_configured';
