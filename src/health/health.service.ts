import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface ReadinessReport {
  status: 'ready' | 'not_ready';
  checks: { database: 'ok' | 'unreachable'; migrations: 'applied' | 'pending' | 'unknown' };
}

@Injectable()
export class HealthService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async readiness(): Promise<ReadinessReport> {
    try {
      const pending = await this.dataSource.showMigrations();
      const migrations = pending ? 'pending' : 'applied';
      return { status: pending ? 'not_ready' : 'ready', checks: { database: 'ok', migrations } };
    } catch {
      return { status: 'not_ready', checks: { database: 'unreachable', migrations: 'unknown' } };
    }
  }
}
