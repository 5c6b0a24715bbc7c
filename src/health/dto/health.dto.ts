import { ApiProperty } from '@nestjs/swagger';

export class LivenessResponseDto {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessChecksDto {
  @ApiProperty({ enum: ['ok', 'unreachable'] }) database!: 'ok' | 'unreachable';
  @ApiProperty({ enum: ['applied', 'pending', 'unknown'] }) migrations!: 'applied' | 'pending' | 'unknown';
  @ApiProperty({
    enum: ['ok', 'failing', 'overdue', 'unknown'],
    description: 'the scheduled rollup and retention jobs; reported, never a reason to answer 503',
  })
  jobs!: 'ok' | 'failing' | 'overdue' | 'unknown';
  @ApiProperty({
    enum: ['ok', 'unreachable', 'not_configured'],
    description:
      'Redis (REDIS_URL), where rate limits are shared by every instance; while it is unreachable each instance enforces the limits on its own. ' +
      'Reported, never a reason to answer 503',
  })
  redis!: 'ok' | 'unreachable' | 'not_configured';
}

export class ScheduledJobDto {
  @ApiProperty({ example: 'refresh llm_hourly_costs' }) name!: string;
  @ApiProperty({ enum: ['ok', 'failing', 'overdue'] }) state!: 'ok' | 'failing' | 'overdue';
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) last_success_at!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the last run's error, when it failed" }) last_error!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) next_run_at!: string | null;
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty({ type: ReadinessChecksDto }) checks!: ReadinessChecksDto;
  @ApiProperty({
    type: [ScheduledJobDto],
    description: 'each scheduled job: a failing refresh or fold leaves the rollups stale, a failing retention deletes nothing',
  })
  jobs!: ScheduledJobDto[];
}
