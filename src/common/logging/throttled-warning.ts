import type { Logger } from '@nestjs/common';

/**
 * One warning, logged at most once per interval with the latest error: while
 * the database is away, every request that falls back to a cache would
 * otherwise log its own line.
 */
export class ThrottledWarning {
  private warnedAt = 0;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly message: string,
    private readonly intervalMs = 10_000,
  ) {}

  /** Logs `message: error` unless the last line was less than an interval ago; true when it logged. */
  warn(error: unknown, now: number): boolean {
    if (now - this.warnedAt < this.intervalMs) return false;
    this.warnedAt = now;
    this.logger.warn(`${this.message}: ${String(error)}`);
    return true;
  }
}
