import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { GenerationStatus } from '../billing/generation-log.entity';
import { GenerationLogItem, GenerationLogService } from '../billing/generation-logs.service';
import { AdminAuth } from '../common/auth.decorators';

const STATUSES: GenerationStatus[] = ['success', 'error', 'cancelled', 'rate_limited', 'budget_exceeded', 'rejected'];

export class LogsQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() client_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) provider?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) model?: string;
  @ApiPropertyOptional({ enum: STATUSES }) @IsOptional() @IsIn(STATUSES) status?: GenerationStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'calls made through this template' }) @IsOptional() @IsUUID() template_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional() @IsOptional() @IsISO8601() to?: string;
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
  @ApiPropertyOptional({ description: 'next_cursor of the previous page' }) @IsOptional() @IsString() @MaxLength(500) cursor?: string;
}

@ApiTags('admin-logs')
@AdminAuth()
@Controller('api/admin/logs')
export class LogsAdminController {
  constructor(private readonly logs: GenerationLogService) {}

  @Get()
  @ApiOkResponse({ description: '{items, next_cursor}, newest first' })
  listGenerationLogs(@Query() q: LogsQueryDto): Promise<{ items: GenerationLogItem[]; next_cursor: string | null }> {
    return this.logs.list({
      clientId: q.client_id,
      provider: q.provider,
      model: q.model,
      status: q.status,
      templateId: q.template_id,
      from: q.from,
      to: q.to,
      limit: q.limit,
      cursor: q.cursor,
    });
  }

  @Get(':request_id')
  @ApiOkResponse({ description: 'one call' })
  @ApiNotFoundResponse({ description: 'unknown request id' })
  getGenerationLog(@Param('request_id') requestId: string): Promise<GenerationLogItem> {
    return this.logs.get(requestId);
  }
}
