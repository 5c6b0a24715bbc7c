import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsIsoDate, NoNulCharacter } from '../../common/validation/validate.decorators';
import { MAX_RATE_LIMIT_RPM, MAX_RATE_LIMIT_TPM } from './api-client.dto';

export class ApiKeyCreateDto {
  @ApiPropertyOptional({ example: 'production', default: 'default', description: 'Surrounding spaces are dropped; a blank name is refused' })
  // a blank name was silently stored as "default": say so instead, as for a client's name
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'name must not be empty or only spaces; leave it out for "default"' })
  @MaxLength(200)
  @NoNulCharacter()
  name?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'After this instant the key is refused (401 invalid_api_key); must be in the future' })
  @IsOptional()
  @IsIsoDate()
  expires_at?: string;

  @ApiPropertyOptional({ type: [String], description: "Narrows the client's allowed models for this key" })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(500)
  @NoNulCharacter()
  allowed_models?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_RATE_LIMIT_RPM, description: "Narrows the client's requests per minute for this key" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT_RPM)
  rate_limit_rpm?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: MAX_RATE_LIMIT_TPM, description: "Narrows the client's tokens per minute for this key" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT_TPM)
  rate_limit_tpm?: number;
}

export class ApiKeyRotateDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_592_000, default: 0, description: 'How long the old key keeps working; 0 = revoked now' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_592_000)
  grace_period_seconds?: number;
}

export type ApiKeyStatus = 'active' | 'expired' | 'revoked';

export class ApiKeyResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) client_id!: string;
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ example: 'lh_AbCdEfGh', description: 'The first characters of the key, for recognising it' }) prefix!: string;
  @ApiProperty({ enum: ['active', 'expired', 'revoked'] }) status!: ApiKeyStatus;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revoked_at!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Updated in batches (within about 15 s)' }) last_used_at!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The key this one replaced' }) rotated_from_id!: string | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_models!: string[] | null;
  @ApiProperty({ type: Number, nullable: true }) rate_limit_rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) rate_limit_tpm!: number | null;
}

export class ApiKeyCreatedResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'production' }) name!: string;
  @ApiProperty({ example: 'lh_AbCdEfGh' }) prefix!: string;
  @ApiProperty({ example: 'lh_AbCdEfGh…', description: 'The full key: shown this once only, store it now' }) key!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expires_at!: string | null;
}

export class ApiKeyRotatedResponseDto extends ApiKeyCreatedResponseDto {
  @ApiProperty({ format: 'uuid', description: 'The key this one replaces' }) rotated_from_id!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the old key stops working (null: it already has)' })
  previous_key_expires_at!: string | null;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyResponseDto] }) items!: ApiKeyResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}
