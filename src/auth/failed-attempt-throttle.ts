/** Failures allowed before answers slow down, and the window they are counted in. */
const FREE_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 10_000;

/**
 * Slows down repeated wrong admin tokens from one IP: after a few failures each
 * further attempt waits 250 ms, doubling up to 10 s, until a success or the
 * window passes.
 */
export class FailedAttemptThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();

  constructor(private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))) {}

  delayMs(ip: string, now = Date.now()): number {
    const entry = this.failures.get(ip);
    if (!entry || now - entry.since > WINDOW_MS || entry.count < FREE_FAILURES) return 0;
    return Math.min(MAX_DELAY_MS, 250 * 2 ** (entry.count - FREE_FAILURES));
  }

  async delayFor(ip: string): Promise<void> {
    const ms = this.delayMs(ip);
    if (ms > 0) await this.sleep(ms);
  }

  failed(ip: string, now = Date.now()): void {
    const entry = this.failures.get(ip);
    if (!entry || now - entry.since > WINDOW_MS) {
      if (this.failures.size > 10_000) this.prune(now);
      this.failures.set(ip, { count: 1, since: now });
    } else {
      entry.count++;
    }
  }

  succeeded(ip: string): void {
    this.failures.delete(ip);
  }

  private prune(now: number): void {
    for (const [ip, entry] of this.failures) if (now - entry.since > WINDOW_MS) this.failures.delete(ip);
  }
}
