import { Injectable } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { RetentionService } from './retention.service';
import { RollupFoldService } from './rollup-fold.service';
import { TimescaleJobRow, TimescaleJobsRepository } from './timescale-jobs.repository';

export type JobState = 'ok' | 'failing' | 'overdue';

export interface JobHealth {
  /** e.g. "refresh llm_hourly_costs", "retention llm_generation_log" */
  name: string;
  state: JobState;
  last_success_at: string | null;
  /** the last failure's message, when the last run failed */
  last_error: string | null;
  next_run_at: string | null;
}

export interface RollupFreshness {
  /** who keeps the rollups current: TimescaleDB's refresh jobs, or the application's fold (every second) */
  kept_by: 'timescaledb' | 'application';
  /** the oldest last successful refresh among the rollups, or the application's last fold (null: never) */
  refreshed_at: string | null;
  /** true when a refresh job is failing or overdue: reports read the raw log for the missing part, slower */
  stale: boolean;
}

export interface JobsReport {
  state: JobState;
  jobs: JobHealth[];
  rollups: RollupFreshness;
}

/** A job is overdue when its last success is older than two periods plus this margin. */
const OVERDUE_MARGIN_MS = 5 * 60_000;
/** /health/ready and /metrics may be polled often; the catalog is read at most this often. */
const CACHE_MS = 10_000;

/**
 * Whether the scheduled jobs behind billing data run: TimescaleDB's refresh
 * and retention policies (timescaledb_information.job_stats), or on plain
 * PostgreSQL the application's own retention job and rollup fold. Jobs can fail while every
 * request succeeds; this is what /health/ready, /metrics and the dashboard show.
 */
@Injectable()
export class JobHealthService {
  private cached: { at: number; report: Promise<JobsReport> } | undefined;

  constructor(
    private readonly catalog: TimescaleJobsRepository,
    private readonly retention: RetentionService,
    private readonly fold: RollupFoldService,
    metrics: MetricsService,
  ) {
    metrics.attachJobs(() => this.report());
  }

  async report(now = new Date()): Promise<JobsReport> {
    if (!(await this.catalog.hasTimescale())) {
      // the application's own jobs: their outcome is in memory, nothing to cache
      const fold = this.fold.health(now);
      const jobs = [this.retention.health(now), ...(fold ? [fold] : [])];
      const rollups: RollupFreshness = { kept_by: 'application', refreshed_at: fold?.last_success_at ?? null, stale: fold !== null && fold.state !== 'ok' };
      return { state: worst(jobs), jobs, rollups };
    }
    if (this.cached && now.getTime() - this.cached.at < CACHE_MS) return this.cached.report;
    const report = this.readTimescale(now);
    this.cached = { at: now.getTime(), report };
    report.catch(() => (this.cached = undefined));
    return report;
  }

  private async readTimescale(now: Date): Promise<JobsReport> {
    const rows = await this.catalog.jobs();
    const errors = await this.lastErrors();
    const jobs = rows.map((row) => timescaleJobHealth(row, now, errors));
    const refreshes = jobs.filter((j) => j.name.startsWith('refresh '));
    const successes = refreshes.map((j) => j.last_success_at);
    const refreshedAt = successes.length === 0 || successes.includes(null) ? null : successes.sort()[0]!;
    return {
      state: worst(jobs),
      jobs,
      rollups: { kept_by: 'timescaledb', refreshed_at: refreshedAt, stale: refreshes.some((j) => j.state !== 'ok') },
    };
  }

  /** The last error of each failing job, by "proc_name target". */
  private async lastErrors(): Promise<Map<string, string>> {
    const rows = await this.catalog.lastErrors();
    return new Map(rows.map((r) => [`${r.proc_name} ${r.target}`, r.err_message]));
  }
}

/** A timestamp from the catalog, or null: a job that never succeeded has last_successful_finish '-infinity'. */
function finiteDate(value: unknown): Date | null {
  return value instanceof Date && Number.isFinite(value.getTime()) ? value : null;
}

export function timescaleJobHealth(raw: TimescaleJobRow, now: Date, errors: Map<string, string>): JobHealth {
  const row = {
    ...raw,
    last_successful_finish: finiteDate(raw.last_successful_finish),
    next_start: finiteDate(raw.next_start),
    created_hint: finiteDate(raw.created_hint),
  };
  const kind = row.proc_name === 'policy_retention' ? 'retention' : 'refresh';
  const failing = row.last_run_status === 'Failed';
  const period = row.schedule_ms ?? 3_600_000;
  const lastSuccess = row.last_successful_finish;
  const reference = lastSuccess ?? (row.total_runs ? row.created_hint : null);
  const overdue =
    (reference !== null && now.getTime() - reference.getTime() > 2 * period + OVERDUE_MARGIN_MS) ||
    (row.next_start !== null && now.getTime() - row.next_start.getTime() > period + OVERDUE_MARGIN_MS);
  return {
    name: `${kind} ${row.target ?? 'unknown'}`,
    state: failing ? 'failing' : overdue ? 'overdue' : 'ok',
    last_success_at: lastSuccess ? lastSuccess.toISOString() : null,
    last_error: failing ? (errors.get(`${row.proc_name} ${row.target}`) ?? 'the last run failed (see the PostgreSQL log)') : null,
    next_run_at: row.next_start ? row.next_start.toISOString() : null,
  };
}

function worst(jobs: JobHealth[]): JobState {
  if (jobs.some((j) => j.state === 'failing')) return 'failing';
  if (jobs.some((j) => j.state === 'overdue')) return 'overdue';
  return 'ok';
}
