import { Injectable } from '@nestjs/common';
import { LimitsService } from '../auth/limits/limits.service';
import { JobHealthService } from '../billing/job-health.service';
import { withinTimeout } from '../common/within-timeout';
import { ReadinessResponseDto } from './dto/health.dto';
import { HealthRepository } from './health.repository';

/** How long readiness waits for the database: a black-holed connection must read as unreachable, not hang the probe. */
export const READINESS_DATABASE_TIMEOUT_MS = 2_000;
const DATABASE_SILENT = `no answer within ${READINESS_DATABASE_TIMEOUT_MS} ms`;

@Injectable()
export class HealthService {
  constructor(
    private readonly database: HealthRepository,
    private readonly jobHealth: JobHealthService,
    private readonly limits: LimitsService,
  ) {}

  async readiness(): Promise<ReadinessResponseDto> {
    // Redis down is reported, never a reason to answer 503: limits fall back to per-instance counters
    const redis = this.limits.sharedState().catch(() => 'unreachable' as const);
    try {
      const pending = await withinTimeout(this.database.hasPendingMigrations(), READINESS_DATABASE_TIMEOUT_MS, DATABASE_SILENT);
      const migrations = pending ? 'pending' : 'applied';
      // a failing job is reported, not a reason to take the instance out of service
      const jobs = await withinTimeout(this.jobHealth.report(), READINESS_DATABASE_TIMEOUT_MS, DATABASE_SILENT).catch(() => undefined);
      return {
        status: pending ? 'not_ready' : 'ready',
        checks: { database: 'ok', migrations, jobs: jobs?.state ?? 'unknown', redis: await redis },
        jobs: jobs?.jobs ?? [],
      };
    } catch {
      return { status: 'not_ready', checks: { database: 'unreachable', migrations: 'unknown', jobs: 'unknown', redis: await redis }, jobs: [] };
    }
  }
}
