import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/openapi/api-errors.decorator';
import { GenerationLogPageDto, GenerationLogResponseDto, LogsQueryDto } from '../billing/dto/generation-log.dto';
import { GenerationLogService } from '../billing/generation-logs.service';
import { AdminAuth } from '../common/auth.decorators';
import { PROVIDER_NAMES, ProviderNames } from '../auth/provider-names';
import { canonicalProviderFilters } from './provider-filter';
import { UuidParamPipe } from './uuid-param.pipe';

@ApiTags('admin-logs')
@AdminAuth()
@Controller('api/admin/logs')
export class LogsAdminController {
  constructor(
    private readonly logs: GenerationLogService,
    @Inject(PROVIDER_NAMES) private readonly names: ProviderNames,
  ) {}

  @Get()
  @ApiOkResponse({ type: GenerationLogPageDto, description: 'Newest first' })
  @ApiOperation({
    summary: 'List generation records',
    description:
      'The generation log, newest first, filtered by `client_id`, `provider`, `model`, `status`, `from` and `to`, paged by keyset (`limit`, `cursor`).',
  })
  listGenerationLogs(@Query() q: LogsQueryDto): Promise<GenerationLogPageDto> {
    const { provider, model } = canonicalProviderFilters(this.names, { provider: q.provider, model: q.model });
    return this.logs.list({
      clientId: q.client_id,
      provider,
      model,
      status: q.status,
      templateId: q.template_id,
      from: q.from,
      to: q.to,
      limit: q.limit,
      cursor: q.cursor,
    });
  }

  @Get(':request_id')
  @ApiOkResponse({ type: GenerationLogResponseDto })
  @ApiNotFoundResponse({ description: 'unknown request id' })
  @ApiOperation({ summary: 'Get a generation record', description: 'One call’s record by its request id: tokens, exact cost, timing, status and error.' })
  @ApiErrors({ not_found: 'no record with this request id' })
  getGenerationLog(@Param('request_id', new UuidParamPipe('request_id')) requestId: string): Promise<GenerationLogResponseDto> {
    return this.logs.get(requestId);
  }
}
