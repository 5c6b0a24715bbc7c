import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { AdminAuth } from '../common/auth.decorators';
import { ProviderListDto, ProviderResponseDto, ProviderTestResultDto, ProviderUpdateDto } from '../llm/dto/provider.dto';
import { ProviderAdminService } from '../llm/provider-admin.service';

@ApiTags('admin: providers')
@AdminAuth()
@ApiUnauthorizedResponse({ description: 'unauthorized: no admin token or session' })
@Controller('api/admin/providers')
export class ProvidersAdminController {
  constructor(private readonly providers: ProviderAdminService) {}

  @Get()
  @ApiOperation({ summary: 'Every provider with its status; keys masked' })
  @ApiOkResponse({ type: ProviderListDto })
  listProviders(): ProviderListDto {
    return { items: this.providers.list(), next_cursor: null };
  }

  @Put(':name')
  @ApiOperation({ summary: 'Edit a provider: key (write-only, stored encrypted), base URL, enabled, timeout' })
  @ApiOkResponse({ type: ProviderResponseDto })
  @ApiNotFoundResponse({ description: 'not_found: unknown provider' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  updateProvider(@Param('name') name: string, @Body() dto: ProviderUpdateDto): Promise<ProviderResponseDto> {
    return this.providers.update(name, dto);
  }

  @Post(':name/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'A minimal live call (cheapest chat model, 1 output token), billed to no client' })
  @ApiOkResponse({ type: ProviderTestResultDto, description: 'Upstream failures answer ok: false with the error, not an HTTP error' })
  @ApiNotFoundResponse({ description: 'not_found: unknown provider' })
  testProvider(@Param('name') name: string): Promise<ProviderTestResultDto> {
    return this.providers.test(name);
  }
}
