import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiKeyRotateDto, ApiKeyRotatedResponseDto } from '../auth/dto/api-key.dto';
import { ApiKeysService } from '../auth/api-keys.service';
import { AdminAuth } from '../common/auth.decorators';
import { UuidParamPipe } from './uuid-param.pipe';

@ApiTags('admin-clients')
@AdminAuth()
@ApiUnauthorizedResponse({ description: 'unauthorized: no admin token or session' })
@Controller('api/admin/keys')
export class KeysAdminController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post(':id/rotate')
  @ApiCreatedResponse({ type: ApiKeyRotatedResponseDto, description: 'The new key in full, this once; the old one works until previous_key_expires_at' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiConflictResponse({
    description: 'conflict: the key is already revoked or expired, or was already rotated (the message names its replacement, the one to rotate)',
  })
  @ApiUnprocessableEntityResponse({ description: 'validation_error' })
  @ApiOperation({
    summary: 'Rotate a key',
    description:
      'Issues a new key (in full, this once) for the same client; the old one keeps working for `grace_period_seconds` (default 0). ' +
      'A key is rotated once; during its grace period, rotate its replacement instead.',
  })
  rotateApiKey(@Param('id', new UuidParamPipe('id')) id: string, @Body() dto: ApiKeyRotateDto): Promise<ApiKeyRotatedResponseDto> {
    return this.keys.rotate(id, dto.grace_period_seconds ?? 0);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: refused on every instance within 5 s' })
  @ApiNotFoundResponse({ description: 'not_found' })
  @ApiUnprocessableEntityResponse({ description: 'validation_error: id is not a UUID' })
  @ApiOperation({ summary: 'Revoke a key', description: 'The key is refused from now on, on every instance within a few seconds.' })
  revokeApiKey(@Param('id', new UuidParamPipe('id')) id: string): Promise<void> {
    return this.keys.revoke(id);
  }
}
