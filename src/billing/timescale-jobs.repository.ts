import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { hasTimescale } from '../database/timescale';

/** One refresh or retention job from TimescaleDB's catalog. */
export interface TimescaleJobRow {
  proc_name: string;
  target: string | null;
  schedule_ms: number | null;
  last_run_status: string | null;
  /** Date, null, or ±Infinity (node-postgres's reading of '±infinity') */
  last_successful_finish: Date | number | null;
  next_start: Date | number | null;
  total_runs: number | null;
  created_hint: Date | number | null;
}

/** The last error of a failing job, keyed like its row: proc_name and target. */
export interface TimescaleJobError {
  proc_name: string;
  target: string | null;
  err_message: string;
}

/** Joins a continuous aggregate's materialization hypertable back to the view's name, so a job is named by what it refreshes. */
const VIEW_OF_JOB = `LEFT JOIN timescaledb_information.continuous_aggregates ca
  ON ca.materialization_hypertable_schema = j.hypertable_schema AND ca.materialization_hypertable_name = j.hypertable_name`;

/** TimescaleDB's job catalog (timescaledb_information) and the retention policy on llm_generation_log. */
@Injectable()
export class TimescaleJobsRepository {
  private timescale: Promise<boolean> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether this database runs TimescaleDB: decided at migration time, so asked once (a failed probe is asked again). */
  hasTimescale(): Promise<boolean> {
    this.timescale ??= hasTimescale({ query: (sql: string) => this.dataSource.query(sql) }).catch((error: unknown) => {
      this.timescale = undefined;
      throw error;
    });
    return this.timescale;
  }

  /** The refresh and retention policies with their last run. */
  jobs(): Promise<TimescaleJobRow[]> {
    return this.dataSource.query(
      `SELECT j.proc_name,
              coalesce(ca.view_name, j.hypertable_name)::text AS target,
              (extract(epoch FROM j.schedule_interval) * 1000)::float8 AS schedule_ms,
              s.last_run_status, s.last_successful_finish, coalesce(s.next_start, j.next_start) AS next_start,
              s.total_runs, s.last_run_started_at AS created_hint
       FROM timescaledb_information.jobs j
       LEFT JOIN timescaledb_information.job_stats s ON s.job_id = j.job_id
       ${VIEW_OF_JOB}
       WHERE j.proc_name IN ('policy_refresh_continuous_aggregate', 'policy_retention')
       ORDER BY 1, 2`,
    );
  }

  /** The last error of each job that has one (job_errors exists from TimescaleDB 2.15; older versions have none). */
  async lastErrors(): Promise<TimescaleJobError[]> {
    try {
      return await this.dataSource.query(
        `SELECT DISTINCT ON (e.job_id) e.proc_name, coalesce(ca.view_name, j.hypertable_name)::text AS target, e.err_message
         FROM timescaledb_information.job_errors e
         JOIN timescaledb_information.jobs j ON j.job_id = e.job_id
         ${VIEW_OF_JOB}
         ORDER BY e.job_id, e.finish_time DESC`,
      );
    } catch {
      return [];
    }
  }

  /** The drop_after of the retention policies on llm_generation_log (at most one), e.g. '90 days'. */
  async logRetention(): Promise<(string | null)[]> {
    const rows: { drop_after: string | null }[] = await this.dataSource.query(
      `SELECT config->>'drop_after' AS drop_after FROM timescaledb_information.jobs
       WHERE proc_name = 'policy_retention' AND hypertable_name = 'llm_generation_log'`,
    );
    return rows.map((r) => r.drop_after);
  }

  /** Replaces the retention policy on llm_generation_log. */
  async setLogRetention(interval: string): Promise<void> {
    await this.dataSource.query(`SELECT remove_retention_policy('llm_generation_log', if_exists => true)`);
    await this.dataSource.query(`SELECT add_retention_policy('llm_generation_log', $1::interval)`, [interval]);
  }
}
