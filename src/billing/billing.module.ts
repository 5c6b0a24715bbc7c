import { Module } from '@nestjs/common';
import { REFUSED_CALL_RECORDER } from '../common/errors/refused-call.port';
import { BillingController } from './billing.controller';
import { BillingReadService } from './billing-read.service';
import { DashboardRepository } from './dashboard.repository';
import { DashboardService } from './dashboard.service';
import { FeedbackController } from './feedback.controller';
import { FeedbackRepository } from './feedback.repository';
import { FeedbackService } from './feedback.service';
import { GenerationLogRepository } from './generation-log.repository';
import { GenerationLogService } from './generation-logs.service';
import { JobHealthService } from './job-health.service';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { RejectionRecorder } from './rejection-recorder.service';
import { RetentionService } from './retention.service';
import { RollupFoldRepository } from './rollup-fold.repository';
import { RollupFoldService } from './rollup-fold.service';
import { TimescaleJobsRepository } from './timescale-jobs.repository';
import { UsageReportsRepository } from './usage-reports.repository';
import { UsageRecorder } from './usage-recorder.service';
import { UsageRepository } from './usage.repository';

/** Usage records, rollups, retention, reports and metrics. Imports no other feature module. */
@Module({
  providers: [
    UsageRepository,
    UsageReportsRepository,
    GenerationLogRepository,
    DashboardRepository,
    FeedbackRepository,
    TimescaleJobsRepository,
    RollupFoldRepository,
    UsageRecorder,
    BillingReadService,
    GenerationLogService,
    DashboardService,
    FeedbackService,
    RetentionService,
    RollupFoldService,
    JobHealthService,
    MetricsService,
    RejectionRecorder,
    // the port the exception filter (common/) records refused calls through
    { provide: REFUSED_CALL_RECORDER, useExisting: RejectionRecorder },
  ],
  controllers: [BillingController, FeedbackController, MetricsController],
  exports: [
    UsageRecorder,
    BillingReadService,
    GenerationLogService,
    DashboardService,
    FeedbackService,
    MetricsService,
    JobHealthService,
    REFUSED_CALL_RECORDER,
  ],
})
export class BillingModule {}
