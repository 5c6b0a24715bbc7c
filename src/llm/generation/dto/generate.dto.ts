import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateNested,
  ValidationOptions,
} from 'class-validator';
import { FitsCallMetadata, MAX_CALL_METADATA_CHARS } from '../../../common/validation/call-metadata';
import { KeepAsSent } from '../../../common/validation/validate.decorators';
import { TemplateInput } from '../generation.types';

/** `template`: a name, or {name, version?, label?}. */
export function IsTemplateRef(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isTemplateRef',
      validator: {
        validate: (value: unknown) => {
          if (typeof value === 'string') return value.trim() !== '' && value.length <= 200;
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const ref = value as Record<string, unknown>;
          const keysOk = Object.keys(ref).every((k) => k === 'name' || k === 'version' || k === 'label');
          const versionOk = ref.version === undefined || (typeof ref.version === 'number' && Number.isInteger(ref.version) && ref.version >= 1);
          const labelOk = ref.label === undefined || typeof ref.label === 'string';
          return keysOk && typeof ref.name === 'string' && ref.name !== '' && versionOk && labelOk;
        },
        defaultMessage: () => 'template must be a name or {name, version?, label?}',
      },
    },
    options,
  );
}

export function toTemplateInput(value: string | TemplateInput | undefined): TemplateInput | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? { name: value } : value;
}

export class GenerateMessageDto {
  @ApiProperty({ enum: ['system', 'user', 'assistant'] })
  @IsIn(['system', 'user', 'assistant'])
  role!: 'system' | 'user' | 'assistant';

  @ApiProperty({ example: 'Write a tagline for a bakery.' })
  @IsString()
  @MaxLength(1_000_000)
  content!: string;
}

/** Fields shared by /api/v1/llm/generate and /api/v1/llm/generate-content. */
export class GenerationFieldsDto {
  @ApiPropertyOptional({ example: 'Write a tagline for a bakery.', description: 'one user message; or give `messages` or `template`' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1_000_000)
  prompt?: string;

  @ApiPropertyOptional({ example: 'You are a concise copywriter.' })
  @IsOptional()
  @IsString()
  @MaxLength(1_000_000)
  system?: string;

  @ApiPropertyOptional({ example: 'anthropic', description: "narrows a bare model name, or picks that provider's default model" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  provider?: string;

  @ApiPropertyOptional({ example: 'anthropic/claude-sonnet-4-5', description: '`provider/model` or a known bare model name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ type: 'integer', example: 512 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  max_tokens?: number;

  @ApiPropertyOptional({ example: 0.7 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string' },
      { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' }, label: { type: 'string' } }, required: ['name'] },
    ],
    example: { name: 'product-tagline', label: 'production' },
  })
  @IsOptional()
  @IsTemplateRef()
  template?: string | TemplateInput;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { product: 'sourdough' } })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ example: 'user-42', description: 'keeps one subject on one template version during A/B tests' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  subject?: string;

  @ApiPropertyOptional({ type: [String], example: ['openai/gpt-4o-mini'], description: 'ordered models to try when the first fails' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  fallbacks?: string[];

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

export class GenerateDto extends GenerationFieldsDto {
  @ApiPropertyOptional({ type: [GenerateMessageDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => GenerateMessageDto)
  messages?: GenerateMessageDto[];
}

export class GenerateContentDto extends GenerationFieldsDto {
  @ApiProperty({ type: [String], example: ['en', 'de', 'fr'], description: 'BCP 47 codes, at most 20; the languages run concurrently' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @IsString({ each: true })
  languages!: string[];
}

export class TemplateUseDto {
  @ApiProperty() name!: string;
  @ApiProperty() version!: number;
}

export class GenerateResponseDto {
  @ApiProperty({ format: 'uuid' }) request_id!: string;
  @ApiProperty({ example: 'anthropic' }) provider!: string;
  @ApiProperty({ example: 'anthropic/claude-sonnet-4-5' }) model!: string;
  @ApiPropertyOptional({ description: 'what was asked for, when a fallback answered' }) requested_model?: string;
  @ApiProperty() content!: string;
  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter'] }) finish_reason!: string;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.00045', description: "USD, decimal string; null when the model's price is unknown" })
  cost_usd!: string | null;
  @ApiProperty() price_unknown!: boolean;
  @ApiProperty() generation_time_ms!: number;
  @ApiProperty({ description: 'upstream calls made, retries and fallbacks included' }) attempts!: number;
  @ApiPropertyOptional({ type: TemplateUseDto }) template?: TemplateUseDto;
}

export class LanguageResultDto {
  @ApiProperty() language!: string;
  @ApiProperty({ format: 'uuid' }) request_id!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: String, nullable: true }) content!: string | null;
  @ApiProperty({ type: String, nullable: true }) finish_reason!: string | null;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty({ type: String, nullable: true }) cost_usd!: string | null;
  @ApiProperty() price_unknown!: boolean;
  @ApiProperty() generation_time_ms!: number;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: 'object', nullable: true, properties: { code: { type: 'string' }, message: { type: 'string' } } })
  error!: { code: string; message: string } | null;
}

export class GenerateContentTotalsDto {
  @ApiProperty() languages!: number;
  @ApiProperty() succeeded!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  /** sum of the known costs; null when every call's price is unknown */
  @ApiProperty({ type: String, nullable: true }) cost_usd!: string | null;
  @ApiProperty() price_unknown!: boolean;
  @ApiProperty() generation_time_ms!: number;
}

export class GenerateContentResponseDto {
  @ApiProperty({ format: 'uuid' }) request_id!: string;
  @ApiProperty({ type: TemplateUseDto, nullable: true }) template!: TemplateUseDto | null;
  @ApiProperty({ type: [LanguageResultDto] }) results!: LanguageResultDto[];
  @ApiProperty({ type: GenerateContentTotalsDto }) totals!: GenerateContentTotalsDto;
}
