import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/env.schema';
import { hasTimescale } from '../database/timescale';
import type { JobHealth } from './job-health.service';

const HOUR_MS = 3_600_000;
const FIRST_RUN_DELAY_MS = 60_000;
const BATCH_ROWS = 10_000;
const RETENTION_LOCK = 7_461_012; // one instance deletes at a time

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
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'retentionDays'>,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (await hasTimescale({ query: (sql: string) => this.dataSource.query(sql) })) {
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
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let deleted = 0;
    try {
      const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [RETENTION_LOCK])) as { locked: boolean }[];
      if (!locked) return 0;
      try {
        for (;;) {
          const rows = (await runner.query(
            `WITH gone AS (
               DELETE FROM llm_generation_log WHERE ctid = ANY (ARRAY(
                 SELECT ctid FROM llm_generation_log WHERE created_at < $1 LIMIT ${BATCH_ROWS}))
               RETURNING 1)
             SELECT count(*)::int AS n FROM gone`,
            [cutoff],
          )) as { n: number }[];
          deleted += rows[0].n;
          if (rows[0].n < BATCH_ROWS) break;
        }
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK]);
      }
    } finally {
      await runner.release();
    }
    if (deleted > 0) this.logger.log(`Retention: deleted ${deleted} log rows older than ${cutoff}`);
    return deleted;
  }

  private async syncTimescalePolicy(): Promise<void> {
    const days = this.config.retentionDays;
    const rows: { drop_after: string | null }[] = await this.dataSource.query(
      `SELECT config->>'drop_after' AS drop_after FROM timescaledb_information.jobs
       WHERE proc_name = 'policy_retention' AND hypertable_name = 'llm_generation_log'`,
    );
    const wanted = `${days} days`;
    if (rows.length === 1 && rows[0].drop_after === wanted) return;
    await this.dataSource.query(`SELECT remove_retention_policy('llm_generation_log', if_exists => true)`);
    await this.dataSource.query(`SELECT add_retention_policy('llm_generation_log', $1::interval)`, [wanted]);
    this.logger.log(`Retention policy for llm_generation_log set to ${wanted}`);
  }
}
