import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth.decorators';
import { WholeList } from '../common/validation/unread-query.interceptor';
import { ProviderListDto, ProviderResponseDto, ProviderTestResultDto, ProviderUpdateDto } from '../llm/providers/settings/dto/provider.dto';
import { ProviderAdminService } from '../llm/providers/settings/provider-admin.service';

@ApiTags('admin-providers')
@AdminAuth()
@ApiUnauthorizedResponse({ description: 'unauthorized: no admin token or session' })
@Controller('api/admin/providers')
export class ProvidersAdminController {
  constructor(private readonly providers: ProviderAdminService) {}

  @Get()
  @WholeList('every provider')
  @ApiOkResponse({ type: ProviderListDto })
  @ApiOperation({
    summary: 'List providers',
    description: 'Every provider with its status (configured, enabled, circuit), base URL and timeout; keys are shown masked.',
  })
  listProviders(): ProviderListDto {
    return { items: this.providers.list(), next_cursor: null };
  }

  @Put(':name')
  @ApiOkResponse({ type: ProviderResponseDto })
  @ApiNotFoundResponse({ description: 'not_found: unknown provider' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({
    summary: 'Update a provider',
    description: 'Set a provider’s key (write-only, stored encrypted), base URL, enabled flag or timeout. Takes effect on the next call.',
  })
  updateProvider(@Param('name') name: string, @Body() dto: ProviderUpdateDto): Promise<ProviderResponseDto> {
    return this.providers.update(name, dto);
  }

  @Post(':name/test')
  @HttpCode(200)
  @ApiOkResponse({ type: ProviderTestResultDto, description: 'Upstream failures answer ok: false with the error, not an HTTP error' })
  @ApiNotFoundResponse({ description: 'not_found: unknown provider' })
  @ApiOperation({
    summary: 'Test a provider',
    description:
      'A minimal live call (the cheapest chat model, one output token), billed to no client. An upstream failure answers 200 with `ok: false` and the error.',
  })
  testProvider(@Param('name') name: string): Promise<ProviderTestResultDto> {
    return this.providers.test(name);
  }
}
