import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { GenerationStatus } from '../generation-log.entity';
import { IsIsoDate } from '../../common/validation/validate.decorators';
import { CallFilterQueryDto } from './call-filter.dto';

const STATUSES: GenerationStatus[] = ['success', 'error', 'cancelled', 'rate_limited', 'budget_exceeded', 'rejected'];

export class LogsQueryDto extends CallFilterQueryDto {
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: GenerationStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'calls made through this template' }) @IsOptional() @IsUUID() template_id?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-11-01T00:00:00Z' }) @IsOptional() @IsIsoDate() from?: string;
  @ApiPropertyOptional({ format: 'date-time', example: '2026-12-01T00:00:00Z' }) @IsOptional() @IsIsoDate() to?: string;
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ description: 'next_cursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

/** One call as recorded in llm_generation_log. */
export class GenerationLogResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The call’s request id (x-request-id)' }) request_id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) client_id!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) api_key_id!: string | null;
  @ApiProperty({ example: '/v1/chat/completions' }) endpoint!: string;
  @ApiProperty({ type: String, nullable: true, example: 'openai' }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'gpt-4o-mini', description: 'The provider’s own model id (provider is its own field)' })
  model!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The model asked for, when a fallback or alias answered' }) requested_model!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) template_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) template_name!: string | null;
  @ApiProperty({ type: Number, nullable: true }) template_version!: number | null;
  @ApiProperty({ example: 12 }) input_tokens!: number;
  @ApiProperty({ example: 9 }) output_tokens!: number;
  @ApiProperty({ example: 0 }) cached_input_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.0000072', description: 'USD, decimal string; null when the model has no price' }) cost_usd!:
    string | null;
  @ApiProperty() price_unknown!: boolean;
  @ApiProperty({ example: 412 }) latency_ms!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Time to first token (streams)' }) ttft_ms!: number | null;
  @ApiProperty({ enum: STATUSES }) status!: GenerationStatus;
  @ApiProperty({ type: String, nullable: true, example: null }) error_code!: string | null;
  @ApiProperty({ type: String, nullable: true }) error_message!: string | null;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty() is_stream!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) metadata!: Record<string, unknown> | null;
}

export class GenerationLogPageDto {
  @ApiProperty({ type: [GenerationLogResponseDto] }) items!: GenerationLogResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null on the last page' }) next_cursor!: string | null;
}
