import { Controller, Get } from '@nestjs/common';
import { ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CallerResponseDto } from './dto/caller.dto';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller } from '../common/caller';

/** Who am I: lets a client check its key and see the limits that apply to it. */
@ApiTags('client')
@Controller('api/v1/me')
export class MeController {
  @Get()
  @ClientAuth()
  @ApiOkResponse({ type: CallerResponseDto })
  @ApiUnauthorizedResponse({ description: 'missing_api_key / invalid_api_key' })
  @ApiForbiddenResponse({ description: 'client_inactive' })
  @ApiOperation({
    summary: 'Who am I',
    description: 'The client and key behind the credential, and the limits and allow-lists that apply to it. A cheap way to check a key.',
  })
  getCurrentClient(@CurrentCaller() caller: Caller): CallerResponseDto {
    return {
      client_id: caller.clientId,
      client_name: caller.clientName,
      api_key_id: caller.apiKeyId,
      rate_limit_rpm: caller.rateLimitRpm,
      rate_limit_tpm: caller.rateLimitTpm,
      allowed_providers: caller.allowedProviders,
      allowed_models: caller.allowedModels,
    };
  }
}
