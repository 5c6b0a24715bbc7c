import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { Granularity } from '../rollup-buckets';
import { IsIsoDate } from '../../common/validation/validate.decorators';
import { CallFilterQueryDto } from './call-filter.dto';

export const GRANULARITIES = ['hour', 'day', 'month'] as const;
export const CLIENT_GROUPS = ['provider', 'model', 'template'] as const;
export const ADMIN_GROUPS = ['client', 'provider', 'model', 'template'] as const;
export type UsageGroup = (typeof ADMIN_GROUPS)[number];

export class UsageQueryDto {
  @ApiPropertyOptional({ description: 'ISO date or date-time; default 30 days before `to`', example: '2025-01-01' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO date or date-time (exclusive); default now', example: '2025-02-01' })
  @IsOptional()
  @IsIsoDate()
  to?: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: Granularity;

  @ApiPropertyOptional({ enum: CLIENT_GROUPS })
  @IsOptional()
  @IsIn(CLIENT_GROUPS)
  group_by?: (typeof CLIENT_GROUPS)[number];
}

export class AdminUsageQueryDto extends CallFilterQueryDto {
  @ApiPropertyOptional({ example: '2025-01-01' }) @IsOptional() @IsIsoDate() from?: string;
  @ApiPropertyOptional({ example: '2025-02-01' }) @IsOptional() @IsIsoDate() to?: string;
  @ApiPropertyOptional({ enum: GRANULARITIES, default: 'day' }) @IsOptional() @IsIn(GRANULARITIES) granularity?: Granularity;
  @ApiPropertyOptional({ enum: ADMIN_GROUPS }) @IsOptional() @IsIn(ADMIN_GROUPS) group_by?: UsageGroup;
}

export class TopSpendersQueryDto {
  @ApiPropertyOptional({ description: 'default: start of the current month' }) @IsOptional() @IsIsoDate() from?: string;
  @ApiPropertyOptional({ description: 'default: now' }) @IsOptional() @IsIsoDate() to?: string;
  @ApiPropertyOptional({ type: 'integer', default: 10, minimum: 1, maximum: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class UsageTotalsDto {
  @ApiProperty() requests!: number;
  @ApiProperty() errors!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty({ type: String, example: '0.00045', description: 'USD, decimal string' }) cost_usd!: string;
  @ApiProperty({ description: 'calls whose price was unknown (not in cost_usd)' }) price_unknown!: number;
  @ApiProperty({ description: 'mean latency in ms of the calls answered (refused calls excluded); 0 without any' }) avg_latency_ms!: number;
}

export class UsageItemDto extends UsageTotalsDto {
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z' }) bucket!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) client_id?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) client_name?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) provider?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) model?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'template name' }) template?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) template_id?: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) template_version?: number | null;
}

export class UsageResponseDto {
  @ApiProperty({ description: 'start of the first bucket the figures cover: the requested from, floored to the granularity (UTC)' }) from!: string;
  @ApiProperty({ description: 'end of the last bucket the figures cover: the requested to, rounded up to the granularity (UTC)' }) to!: string;
  @ApiProperty({ enum: GRANULARITIES }) granularity!: Granularity;
  @ApiProperty({ enum: ADMIN_GROUPS, nullable: true, type: String }) group_by!: UsageGroup | null;
  @ApiProperty({ type: [UsageItemDto] }) items!: UsageItemDto[];
  @ApiProperty({ type: UsageTotalsDto }) totals!: UsageTotalsDto;
}

export class BillingSummaryResponseDto {
  @ApiProperty({ example: '2025-01-01T00:00:00.000Z' }) period_start!: string;
  @ApiProperty({ example: '2025-02-01T00:00:00.000Z' }) period_end!: string;
  @ApiProperty({ type: String, example: '12.5' }) month_to_date_cost_usd!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '100',
    description: "the client's budget for its budget period (a day, a week or a month in the budget's time zone); null: none",
  })
  budget_usd!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '87.5',
    description:
      'what remains of the budget in its current period, as the 402 counts it (never below 0); ' +
      "for a daily or weekly budget it counts that day's or week's spend, not month_to_date_cost_usd",
  })
  remaining_usd!: string | null;
  @ApiProperty() requests!: number;
  @ApiProperty() errors!: number;
  @ApiProperty() rejected!: number;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
}

export class TopSpenderDto {
  @ApiProperty({ nullable: true, type: String }) client_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) client_name!: string | null;
  @ApiProperty() requests!: number;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty({ type: String }) cost_usd!: string;
}

export class TopSpendersResponseDto {
  @ApiProperty({ description: 'start of the range the figures cover: the requested from, floored to the hour, day or month it starts' }) from!: string;
  @ApiProperty({ description: 'end of the range the figures cover: the requested to, rounded up to the same unit' }) to!: string;
  @ApiProperty({ type: [TopSpenderDto] }) items!: TopSpenderDto[];
}

export class FeedbackCreateDto {
  @ApiProperty() @IsBoolean() success!: boolean;
  @ApiPropertyOptional({ minimum: -999, maximum: 999 }) @IsOptional() @IsNumber({ maxDecimalPlaces: 3 }) @Min(-999) @Max(999) score?: number;
  @ApiPropertyOptional({ maxLength: 4000 }) @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export class FeedbackResponseDto {
  @ApiProperty() request_id!: string;
  @ApiProperty() success!: boolean;
  @ApiProperty({ nullable: true, type: Number }) score!: number | null;
  @ApiProperty({ nullable: true, type: String }) comment!: string | null;
  @ApiProperty() updated_at!: string;
}
