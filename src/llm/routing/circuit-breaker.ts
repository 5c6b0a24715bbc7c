export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitBreakerOptions {
  /** consecutive failures that open the circuit */
  failureThreshold: number;
  /** how long an open circuit refuses calls before one probe is let through */
  openMs: number;
}

export const DEFAULT_CIRCUIT_OPTIONS: CircuitBreakerOptions = { failureThreshold: 5, openMs: 30_000 };

/**
 * One provider's circuit: closed → open after N consecutive failures → after
 * openMs one probe call (half-open) → closed on its success, open again on its
 * failure. An open circuit answers at once instead of waiting on a dead provider.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | null = null;
  private probing = false;

  constructor(
    private readonly options: CircuitBreakerOptions = DEFAULT_CIRCUIT_OPTIONS,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): CircuitState {
    if (this.openedAt === null) return 'closed';
    return this.now() - this.openedAt >= this.options.openMs ? 'half_open' : 'open';
  }

  /**
   * Whether a call may go out now. In half-open state only one probe is let
   * through; its outcome must be reported with success(), failure() or release().
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = null;
    this.probing = false;
  }

  failure(): void {
    this.failures += 1;
    if (this.probing || this.failures >= this.options.failureThreshold) this.openedAt = this.now();
    this.probing = false;
  }

  /** The call ended without saying anything about the provider's health (client abort, bad request). */
  release(): void {
    this.probing = false;
  }

  /** seconds until a probe is allowed, for Retry-After */
  retryAfterS(): number | undefined {
    if (this.openedAt === null) return undefined;
    return Math.max(1, Math.ceil((this.openedAt + this.options.openMs - this.now()) / 1000));
  }
}
