import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { FitsCallMetadata, MAX_CALL_METADATA_CHARS } from '../../../common/validation/call-metadata';
import { KeepAsSent } from '../../../common/validation/validate.decorators';

export class GenerateImageDto {
  @ApiProperty({ example: 'A watercolour lighthouse at dawn' })
  @IsString()
  @MinLength(1)
  @MaxLength(32_000)
  prompt!: string;

  @ApiPropertyOptional({ example: 'openai/dall-e-3' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ example: 'openai' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ type: 'integer', default: 1, minimum: 1, maximum: 10, description: 'dall-e-3 makes one image per request' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10)
  n?: number;

  @ApiPropertyOptional({
    example: '1024x1024',
    description:
      'Checked per OpenAI model before the call (a 400/422 naming the field): dall-e-2 256x256, 512x512 or 1024x1024; ' +
      'dall-e-3 1024x1024, 1792x1024 or 1024x1792; gpt-image models 1024x1024, 1536x1024, 1024x1536 or auto',
  })
  @IsOptional()
  @Matches(/^(\d{2,5}x\d{2,5}|auto)$/, { message: 'size must look like 1024x1024 or be auto' })
  size?: string;

  @ApiPropertyOptional({ example: 'standard', description: 'standard/hd (DALL·E 3), low/medium/high/auto (gpt-image)' })
  @IsOptional()
  @IsIn(['standard', 'hd', 'low', 'medium', 'high', 'auto'])
  quality?: string;

  @ApiPropertyOptional({ enum: ['url', 'b64_json'] })
  @IsOptional()
  @IsIn(['url', 'b64_json'])
  response_format?: 'url' | 'b64_json';

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: `kept with the call's record (at most ${MAX_CALL_METADATA_CHARS} characters of JSON)`,
  })
  @IsOptional()
  @IsObject()
  @FitsCallMetadata()
  @KeepAsSent()
  metadata?: Record<string, unknown>;
}

export class GeneratedImageDto {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() b64_json?: string;
  @ApiPropertyOptional() revised_prompt?: string;
}

export class GenerateImageResponseDto {
  @ApiProperty({ format: 'uuid' }) request_id!: string;
  @ApiProperty() provider!: string;
  @ApiProperty({ example: 'openai/dall-e-3' }) model!: string;
  @ApiProperty({ type: [GeneratedImageDto] }) images!: GeneratedImageDto[];
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.04' }) cost_usd!: string | null;
  @ApiProperty() price_unknown!: boolean;
  @ApiProperty() generation_time_ms!: number;
  @ApiProperty() attempts!: number;
}
