/** Failures allowed before answers slow down, and the window they are counted in. */
const FREE_FAILURES = 5;
const WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 10_000;
/** Attempts of one address waiting for their turn beyond this are refused at once, their token unchecked. */
export const MAX_WAITING_ATTEMPTS = 100;
/** Addresses whose failures are remembered; past it the longest-known go first, so guesses from ever new addresses cannot grow the process. */
export const MAX_TRACKED_ADDRESSES = 100_000;

/**
 * Slows down repeated wrong admin tokens from one IP: after a few failures each
 * further attempt waits 250 ms, doubling up to 10 s, until a success or the
 * window passes. The attempts of one address take turns (`inTurn`), so guesses
 * sent in parallel are slowed as if sent one after another.
 */
export class FailedAttemptThrottle {
  private readonly failures = new Map<string, { count: number; since: number }>();
  private readonly turns = new Map<string, { tail: Promise<unknown>; waiting: number }>();

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

  /**
   * Runs `attempt` in this address's turn, after the previous attempt of the address has
   * finished and after the delay its failures so far earn. `undefined` when more than
   * MAX_WAITING_ATTEMPTS already wait: the attempt is refused without running.
   */
  async inTurn<T>(ip: string, attempt: () => Promise<T>): Promise<T | undefined> {
    const turn = this.turns.get(ip) ?? { tail: Promise.resolve(), waiting: 0 };
    if (turn.waiting >= MAX_WAITING_ATTEMPTS) return undefined;
    turn.waiting++;
    const run = turn.tail.then(async () => {
      await this.delayFor(ip);
      return attempt();
    });
    // the next attempt waits for this one however it ends
    turn.tail = run.catch(() => undefined);
    this.turns.set(ip, turn);
    try {
      return await run;
    } finally {
      if (--turn.waiting === 0 && this.turns.get(ip) === turn) this.turns.delete(ip);
    }
  }

  failed(ip: string, now = Date.now()): void {
    const entry = this.failures.get(ip);
    if (!entry || now - entry.since > WINDOW_MS) {
      this.failures.delete(ip);
      if (this.failures.size >= MAX_TRACKED_ADDRESSES) this.prune(now);
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
    // a Map iterates in insertion order: the first are the ones known longest
    for (const ip of this.failures.keys()) {
      if (this.failures.size < MAX_TRACKED_ADDRESSES * 0.9) break;
      this.failures.delete(ip);
    }
  }
}
