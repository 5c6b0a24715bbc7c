import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { MetricsService } from '../../../src/billing/metrics.service';
import { UsageRecorder } from '../../../src/billing/usage-recorder.service';
import { UsageRepository } from '../../../src/billing/usage.repository';
import { dataSourceOptions } from '../../../src/database/data-source';

export async function openDataSource(url: string): Promise<DataSource> {
  return new DataSource(dataSourceOptions(url, 4)).initialize();
}

export function newRecorder(dataSource: DataSource, dataDir = mkdtempSync(join(tmpdir(), 'llmhub-billing-'))) {
  const metrics = new MetricsService();
  const recorder = new UsageRecorder(new UsageRepository(dataSource), { dataDir }, metrics);
  return { recorder, metrics, dataDir };
}

export async function insertClient(dataSource: DataSource, budget: string | null = null): Promise<string> {
  const [row]: { id: string }[] = await dataSource.query(`INSERT INTO api_clients (name, monthly_budget_usd) VALUES ($1, $2) RETURNING id`, [
    `client-${Math.random().toString(36).slice(2)}`,
    budget,
  ]);
  return row.id;
}
