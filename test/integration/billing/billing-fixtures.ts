import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { BillingReadService } from '../../../src/billing/billing-read.service';
import { GenerationLogRepository } from '../../../src/billing/generation-log.repository';
import { GenerationLogService } from '../../../src/billing/generation-logs.service';
import { MetricsService } from '../../../src/billing/metrics.service';
import { RetentionService } from '../../../src/billing/retention.service';
import { RollupFoldRepository } from '../../../src/billing/rollup-fold.repository';
import { RollupFoldService } from '../../../src/billing/rollup-fold.service';
import { TimescaleJobsRepository } from '../../../src/billing/timescale-jobs.repository';
import { UsageReportsRepository } from '../../../src/billing/usage-reports.repository';
import { UsageRecorder } from '../../../src/billing/usage-recorder.service';
import { UsageRepository } from '../../../src/billing/usage.repository';
import { dataSourceOptions } from '../../../src/database/data-source';

export async function openDataSource(url: string): Promise<DataSource> {
  return new DataSource(dataSourceOptions(url, 4)).initialize();
}

export function newRecorder(dataSource: DataSource, dataDir = mkdtempSync(join(tmpdir(), 'llmhub-billing-')), usageSynchronousCommit = true) {
  const metrics = new MetricsService();
  const repository = new UsageRepository(dataSource, { usageSynchronousCommit });
  const recorder = new UsageRecorder(repository, { dataDir }, metrics);
  return { recorder, repository, metrics, dataDir };
}

export function newBillingReads(dataSource: DataSource): BillingReadService {
  return new BillingReadService(new UsageReportsRepository(dataSource));
}

export function newGenerationLogs(dataSource: DataSource): GenerationLogService {
  return new GenerationLogService(new GenerationLogRepository(dataSource), new UsageReportsRepository(dataSource));
}

export function newRetention(dataSource: DataSource, retentionDays: number): RetentionService {
  return new RetentionService(new GenerationLogRepository(dataSource), new TimescaleJobsRepository(dataSource), { retentionDays });
}

/** The plain-PostgreSQL rollup fold, run by hand (fold()) instead of every second. */
export function newFold(dataSource: DataSource): RollupFoldService {
  return new RollupFoldService(new RollupFoldRepository(dataSource), new TimescaleJobsRepository(dataSource));
}

export async function insertClient(dataSource: DataSource, budget: string | null = null): Promise<string> {
  const [row]: { id: string }[] = await dataSource.query(`INSERT INTO api_clients (name, monthly_budget_usd) VALUES ($1, $2) RETURNING id`, [
    `client-${Math.random().toString(36).slice(2)}`,
    budget,
  ]);
  return row.id;
}
