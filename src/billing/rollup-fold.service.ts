import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { JobHealth } from './job-health.service';
import { RollupFoldRepository } from './rollup-fold.repository';
import { TimescaleJobsRepository } from './timescale-jobs.repository';

/** How often committed log rows are folded into the stored rollups. */
export const FOLD_INTERVAL_MS = 1_000;
/** No successful fold for this long (the database down, a fold failing) is reported as overdue. */
const OVERDUE_MS = 60_000;

/**
 * Plain PostgreSQL: folds the log rows committed since the last fold into the
 * stored cost rollups, every second, on every instance (one at a time, by an
 * advisory lock). Reads stay exact between folds (see rollup-fold.ts); a fold
 * that fails only leaves more rows for the next one.
 */
@Injectable()
export class RollupFoldService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RollupFold');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private readonly startedAt = Date.now();
  private lastSuccessAt: Date | undefined;
  /** when the timer was started or last fired: the next run is one interval later */
  private lastTickAt = 0;
  private lastError: string | undefined;
  private enabled = false;

  constructor(
    private readonly repository: RollupFoldRepository,
    private readonly catalog: TimescaleJobsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // with TimescaleDB the rollups are continuous aggregates: its own jobs refresh them
    if (await this.catalog.hasTimescale()) return;
    this.enabled = true;
    this.lastTickAt = Date.now();
    this.timer = setInterval(() => {
      this.lastTickAt = Date.now();
      void this.fold();
    }, FOLD_INTERVAL_MS).unref();
  }

  /** Stops the timer and lets a fold under way finish while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One fold (or the one already running); returns how many log rows it folded, 0 when another instance holds the lock. Never throws. */
  fold(): Promise<number> {
    this.running ??= this.foldOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  /**
   * Folds until no log row is left unfolded (after a bulk load, before reads that should not aggregate it). A
   * fold takes only the rows of transactions older than every one still running on the server (other databases'
   * included), and waits while another instance holds the fold, so this may take several.
   */
  async foldUntilCaughtUp(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const folded = await this.fold();
      const left = await this.repository.unfoldedRows();
      if (left === 0) return;
      if (Date.now() > deadline) throw new Error(`${left} log rows still not folded into the cost rollups after ${timeoutMs} ms`);
      if (folded === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The fold job as /health/ready, /metrics and the dashboard report it; null with TimescaleDB. */
  health(now = new Date()): JobHealth | null {
    if (!this.enabled) return null;
    const since = this.lastSuccessAt?.getTime() ?? this.startedAt;
    const overdue = now.getTime() - since > OVERDUE_MS;
    return {
      name: 'fold cost rollups',
      state: this.lastError !== undefined ? 'failing' : overdue ? 'overdue' : 'ok',
      last_success_at: this.lastSuccessAt?.toISOString() ?? null,
      last_error: this.lastError ?? null,
      // the timer fires every interval whether the last fold succeeded or not
      next_run_at: this.timer ? new Date(this.lastTickAt + FOLD_INTERVAL_MS).toISOString() : null,
    };
  }

  private async foldOnce(): Promise<number> {
    try {
      const folded = await this.repository.fold();
      if (this.lastError !== undefined) this.logger.log('Folding the cost rollups again');
      this.lastSuccessAt = new Date();
      this.lastError = undefined;
      return folded ?? 0;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // once per failure spell, not every second
      if (this.lastError === undefined) this.logger.error(`Folding the cost rollups failed (reads stay exact, from the log): ${message}`);
      this.lastError = message;
      return 0;
    }
  }
}
