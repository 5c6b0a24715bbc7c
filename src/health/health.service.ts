import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobHealthService } from '../billing/job-health.service';
import { ReadinessResponseDto } from './dto/health.dto';

@Injectable()
export class HealthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobHealth: JobHealthService,
  ) {}

  async readiness(): Promise<ReadinessResponseDto> {
    try {
      const pending = await this.dataSource.showMigrations();
      const migrations = pending ? 'pending' : 'applied';
      // a failing job is reported, not a reason to take the instance out of service
      const jobs = await this.jobHealth.report().catch(() => undefined);
      return {
        status: pending ? 'not_ready' : 'ready',
        checks: { database: 'ok', migrations, jobs: jobs?.state ?? 'unknown' },
        jobs: jobs?.jobs ?? [],
      };
    } catch {
      return { status: 'not_ready', checks: { database: 'unreachable', migrations: 'unknown', jobs: 'unknown' }, jobs: [] };
    }
  }
}
