import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsIsoDate } from '../../common/validation/validate.decorators';
import { PromptTemplateDetailResponseDto } from './prompt.dto';

export class VersionStatsResponseDto {
  @ApiProperty() version!: number;
  @ApiProperty({ description: 'calls that reached a provider (success, error, cancelled)' }) requests!: number;
  @ApiProperty({ description: 'successful calls: status success unless feedback says otherwise, or feedback success' }) successes!: number;
  @ApiProperty({ description: 'calls whose outcome comes from caller feedback' }) feedback_count!: number;
  @ApiProperty({ description: 'feedback entries with a score (the count behind avg_feedback_score)' }) scored_feedback_count!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '3.75',
    description: 'the average score of that feedback, exact to 6 decimal places (decimal string); null when no feedback has a score',
  })
  avg_feedback_score!: string | null;
  @ApiProperty() errors!: number;
  @ApiProperty({ description: 'refused before a provider was called (rate limit, budget, rejected)' }) rejected!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'successes / requests' }) success_rate!: number | null;
  @ApiProperty({ description: 'requests with a known cost (the count behind the cost figures)' }) priced_requests!: number;
  @ApiProperty({ example: '0.0123', description: 'USD, decimal string' }) total_cost_usd!: string;
  @ApiProperty({ type: String, nullable: true, example: '0.00045' }) avg_cost_usd!: string | null;
  @ApiProperty({ type: Number, nullable: true }) avg_input_tokens!: number | null;
  @ApiProperty({ type: Number, nullable: true }) avg_output_tokens!: number | null;
  @ApiProperty({ type: Number, nullable: true }) avg_latency_ms!: number | null;
}

export class AbVariantResponseDto extends VersionStatsResponseDto {
  @ApiProperty() weight!: number;
  @ApiProperty({ description: 'weight / total weight' }) share!: number;
}

export class AbTestResponseDto {
  @ApiProperty({ example: 'ab_weights', description: '"ab_weights" (the template\'s default selection) or "label:<name>"' }) source!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' } }) weights!: Record<string, number>;
  @ApiProperty({ type: [AbVariantResponseDto] }) variants!: AbVariantResponseDto[];
}

export class TemplateStatsResponseDto {
  @ApiProperty({ format: 'uuid' }) template_id!: string;
  @ApiProperty() template!: string;
  @ApiProperty({ type: [VersionStatsResponseDto] }) versions!: VersionStatsResponseDto[];
  @ApiProperty({ type: [AbTestResponseDto], description: 'running A/B tests, each variant with the counts behind its figures' }) ab_tests!: AbTestResponseDto[];
}

export class TemplateStatsQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'inclusive' })
  @IsOptional()
  @IsIsoDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'exclusive' })
  @IsOptional()
  @IsIsoDate()
  to?: string;
}

/** The admin's view of one template: versions, labels, weights and per-version stats. */
export class TemplateAdminDetailResponseDto extends PromptTemplateDetailResponseDto {
  @ApiProperty({ type: [VersionStatsResponseDto] }) stats!: VersionStatsResponseDto[];
  @ApiProperty({ type: [AbTestResponseDto] }) ab_tests!: AbTestResponseDto[];
}
