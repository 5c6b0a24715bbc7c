import { WindowState } from './limit-types';

/**
 * A token bucket refilled continuously over a minute: capacity = the per-minute
 * limit. The in-memory store uses it directly; the Redis Lua script is the same
 * arithmetic.
 */
export class TokenBucket {
  private level: number;
  private at: number;

  constructor(
    private capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.at = now;
  }

  private refill(capacity: number, now: number): void {
    this.capacity = capacity;
    this.level = Math.min(capacity, this.level + ((now - this.at) * capacity) / 60_000);
    this.at = now;
  }

  /** Takes `amount` when min(amount, capacity) is available (a request larger than the bucket waits for a full one). */
  take(capacity: number, amount: number, now: number): { ok: boolean; retryAfterS: number } {
    this.refill(capacity, now);
    const need = Math.min(amount, capacity);
    if (this.level < need) return { ok: false, retryAfterS: Math.max(1, Math.ceil(((need - this.level) * 60) / capacity)) };
    this.level -= amount;
    return { ok: true, retryAfterS: 0 };
  }

  give(capacity: number, amount: number, now: number): void {
    this.refill(capacity, now);
    this.level = Math.min(capacity, this.level + amount);
  }

  state(): WindowState {
    return windowState(this.capacity, this.level);
  }

  isFull(now: number): boolean {
    return this.level + ((now - this.at) * this.capacity) / 60_000 >= this.capacity;
  }
}

export function windowState(capacity: number, level: number): WindowState {
  return {
    limit: capacity,
    remaining: Math.max(0, Math.floor(level)),
    resetS: Math.max(0, Math.ceil(((capacity - level) * 60) / capacity)),
  };
}
