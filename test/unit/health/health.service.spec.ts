import type { LimitsService } from '@src/auth/limits/limits.service';
import type { JobHealthService } from '@src/billing/job-health.service';
import type { HealthRepository } from '@src/health/health.repository';
import { HealthService, READINESS_DATABASE_TIMEOUT_MS } from '@src/health/health.service';

describe(HealthService.name, () => {
  afterEach(() => jest.useRealTimers());

  it('answers not_ready, database unreachable, when the database does not answer at all (no hanging probe)', async () => {
    jest.useFakeTimers();
    const database = { hasPendingMigrations: () => new Promise<boolean>(() => undefined) } as unknown as HealthRepository;
    const jobs = { report: jest.fn() } as unknown as JobHealthService;
    const limits = { sharedState: () => Promise.resolve('not_configured' as const) } as unknown as LimitsService;
    const answer = new HealthService(database, jobs, limits).readiness();
    await jest.advanceTimersByTimeAsync(READINESS_DATABASE_TIMEOUT_MS);
    await expect(answer).resolves.toMatchObject({ status: 'not_ready', checks: { database: 'unreachable', redis: 'not_configured' } });
  });
});
