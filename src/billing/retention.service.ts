import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { GenerationLogRepository } from './generation-log.repository';
import type { JobHealth } from './job-health.service';
import { TimescaleJobsRepository } from './timescale-jobs.repository';

const HOUR_MS = 3_600_000;
const FIRST_RUN_DELAY_MS = 60_000;

/**
 * RETENTION_DAYS for llm_generation_log; the rollups are kept. On TimescaleDB a
 * retention policy (re-set at start when the setting changed); on plain
 * PostgreSQL an hourly job deleting in bounded batches, so no statement holds
 * locks or bloats WAL for long.
 */
@Injectable()
export class RetentionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RetentionService.name);
  private timers: NodeJS.Timeout[] = [];
  private readonly startedAt = Date.now();
  private lastSuccessAt: Date | undefined;
  private lastError: string | undefined;
  private nextRunAt: Date | undefined;

  constructor(
    private readonly log: GenerationLogRepository,
    private readonly catalog: TimescaleJobsRepository,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'retentionDays'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await this.catalog.hasTimescale()) {
      await this.syncTimescalePolicy();
      return;
    }
    const run = () => void this.runScheduled();
    this.nextRunAt = new Date(Date.now() + FIRST_RUN_DELAY_MS);
    this.timers.push(setTimeout(run, FIRST_RUN_DELAY_MS).unref(), setInterval(run, HOUR_MS).unref());
  }

  /** One run of the hourly job, its outcome kept for health(); never throws. */
  async runScheduled(now = new Date()): Promise<void> {
    this.nextRunAt = new Date(now.getTime() + HOUR_MS);
    try {
      await this.purge(now);
      this.lastSuccessAt = new Date();
      this.lastError = undefined;
    } catch (err) {
      this.lastError = (err as Error).message;
      this.logger.error(`Retention job failed: ${this.lastError}`);
    }
  }

  /** The application's retention job (plain PostgreSQL), as /health/ready and /metrics report it. */
  health(now = new Date()): JobHealth {
    const since = this.lastSuccessAt?.getTime() ?? this.startedAt + FIRST_RUN_DELAY_MS;
    const overdue = now.getTime() - since > 2 * HOUR_MS + FIRST_RUN_DELAY_MS;
    return {
      name: 'retention llm_generation_log',
      state: this.lastError !== undefined ? 'failing' : overdue ? 'overdue' : 'ok',
      last_success_at: this.lastSuccessAt?.toISOString() ?? null,
      last_error: this.lastError ?? null,
      next_run_at: this.nextRunAt?.toISOString() ?? null,
    };
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  /** Deletes log rows older than the retention period; returns how many. */
  async purge(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - this.config.retentionDays * 24 * HOUR_MS).toISOString();
    const deleted = await this.log.deleteCreatedBefore(cutoff);
    if (deleted > 0) this.logger.log(`Retention: deleted ${deleted} log rows older than ${cutoff}`);
    return deleted;
  }

  private async syncTimescalePolicy(): Promise<void> {
    const days = this.config.retentionDays;
    const policies = await this.catalog.logRetention();
    const wanted = `${days} days`;
    if (policies.length === 1 && policies[0] === wanted) return;
    await this.catalog.setLogRetention(wanted);
    this.logger.log(`Retention policy for llm_generation_log set to ${wanted}`);
  }
}
