import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiTags, ApiUnauthorizedResponse, ApiForbiddenResponse } from '@nestjs/swagger';
import { ClientAuth } from '../common/auth.decorators';
import { Caller, CurrentCaller } from '../common/caller';

export class CallerResponseDto {
  @ApiProperty({ format: 'uuid' }) client_id!: string;
  @ApiProperty({ example: 'marketing-admin' }) client_name!: string;
  @ApiProperty({ format: 'uuid' }) api_key_id!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Effective requests per minute (null = unlimited)' }) rate_limit_rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Effective tokens per minute (null = unlimited)' }) rate_limit_tpm!: number | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_providers!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_models!: string[] | null;
}

/** Who am I: lets a client check its key and see the limits that apply to it. */
@ApiTags('client')
@Controller('api/v1/me')
export class MeController {
  @Get()
  @ClientAuth()
  @ApiOkResponse({ type: CallerResponseDto })
  @ApiUnauthorizedResponse({ description: 'missing_api_key / invalid_api_key' })
  @ApiForbiddenResponse({ description: 'client_inactive' })
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
