import { ApiProperty } from '@nestjs/swagger';

export class DashboardPeriodDto {
  @ApiProperty() requests!: number;
  @ApiProperty({ description: 'calls that reached a provider and failed (error, cancelled)' }) errors!: number;
  @ApiProperty({ description: 'calls refused before a provider (rate limit, budget, rejected)' }) rejected!: number;
  @ApiProperty({ example: '12.345', description: 'USD, decimal string' }) cost_usd!: string;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
}

export class DashboardLastHourDto {
  @ApiProperty() requests!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'successful calls only' }) latency_ms_p50!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms_p95!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms_p99!: number | null;
}

export class DashboardTopClientDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) client_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) client_name!: string | null;
  @ApiProperty() requests!: number;
  @ApiProperty({ example: '1.25' }) cost_usd!: string;
}

export class DashboardTopModelDto {
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty() requests!: number;
  @ApiProperty({ example: '1.25' }) cost_usd!: string;
}

export class DashboardDayDto {
  @ApiProperty({ example: '2025-01-31', description: 'UTC day' }) day!: string;
  @ApiProperty() requests!: number;
  @ApiProperty({ example: '0.5' }) cost_usd!: string;
}

export class DashboardHourDto {
  @ApiProperty({ format: 'date-time', description: 'start of the UTC hour' }) hour!: string;
  @ApiProperty() requests!: number;
  @ApiProperty() errors!: number;
  @ApiProperty({ description: 'errors / requests (0 when there were none)' }) error_rate!: number;
  @ApiProperty({ example: '0.0123' }) cost_usd!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'successful calls only' }) latency_ms_p50!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latency_ms_p95!: number | null;
}

export class DashboardRollupsDto {
  @ApiProperty({ enum: ['timescaledb', 'application'], description: "TimescaleDB's refresh jobs, or the application's fold of the log (every second)" })
  kept_by!: 'timescaledb' | 'application';
  @ApiProperty({
    type: String,
    nullable: true,
    format: 'date-time',
    description: "the oldest last successful refresh among the rollups, or the application's last fold (null: none yet)",
  })
  refreshed_at!: string | null;
  @ApiProperty({ description: 'a refresh job is failing or overdue: figures are complete but reports slow down' }) stale!: boolean;
  @ApiProperty({ type: [String], example: ['refresh llm_hourly_costs'], description: 'scheduled jobs (refresh, fold, retention) failing or overdue' })
  failing_jobs!: string[];
}

export class DashboardResponseDto {
  @ApiProperty({ format: 'date-time' }) generated_at!: string;
  @ApiProperty({ type: DashboardPeriodDto, description: 'the current UTC day' }) today!: DashboardPeriodDto;
  @ApiProperty({ type: DashboardPeriodDto, description: 'the current UTC month' }) month_to_date!: DashboardPeriodDto;
  @ApiProperty({
    example: '40.5',
    description: "month-to-date cost extrapolated at the month's average rate so far to the end of the UTC month (USD, decimal string)",
  })
  month_end_forecast_usd!: string;
  @ApiProperty({ description: 'errors / requests today (0 when there were none)' }) error_rate_today!: number;
  @ApiProperty({ type: DashboardLastHourDto }) last_hour!: DashboardLastHourDto;
  @ApiProperty({ type: [DashboardTopClientDto], description: 'this month, by cost' }) top_clients!: DashboardTopClientDto[];
  @ApiProperty({ type: [DashboardTopModelDto], description: 'this month, by cost' }) top_models!: DashboardTopModelDto[];
  @ApiProperty({ type: [DashboardDayDto], description: 'the last 30 UTC days, oldest first, every day present' }) cost_per_day!: DashboardDayDto[];
  @ApiProperty({ type: [DashboardHourDto], description: 'the last 24 hours, oldest first, every hour present (read from the log)' })
  last_24_hours!: DashboardHourDto[];
  @ApiProperty({ type: DashboardRollupsDto, description: 'whether the rollups behind these figures are current' }) rollups!: DashboardRollupsDto;
}
