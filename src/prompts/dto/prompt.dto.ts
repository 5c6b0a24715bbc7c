import { PageQueryDto } from '../../common/dto/page-query.dto';
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { UUID_PATTERN } from '../../common/uuid';
import { KeepAsSent, NoNulCharacter, OptionalNotNull } from '../../common/validation/validate.decorators';

export const TEMPLATE_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;
export const LABEL_NAME = /^[a-z0-9][a-z0-9._-]{0,49}$/;
const NAME_MESSAGE = 'name must match ^[a-z0-9][a-z0-9._-]{0,99}$';
const TEXT_SYNTAX =
  '`{{ name }}` inserts a declared variable; `\\{{` is a literal `{{`; a malformed placeholder (an unclosed `{{`, `{{ }}`, `{{ user.name }}`) is refused';

const PARAMS =
  'max_tokens (integer 1–1000000), temperature (0–2), top_p (0–1) and stop (array of strings) apply to a call that sets none; ' +
  'another value of these is a 422 naming it (params.max_tokens). Other keys are kept as sent';

/** When an update answers validation_error (for the routes' OpenAPI description). */
export const TEMPLATE_UPDATE_INVALID =
  'a field is invalid (a label or weights naming a version that does not exist, a weight that is not a non-negative number), ' +
  'or the versions a split (ab_weights, label_weights) gives traffic to require different variables; details names each, ' +
  'a variable with the versions that require it and those that do not';

/** When saving a template or a version answers validation_error (for the routes' OpenAPI description). */
export const TEMPLATE_SAVE_INVALID =
  'a field is invalid (params included), body or system_prompt is empty or only whitespace, a variable is used but not declared, ' +
  'system_prompt or body holds a malformed placeholder ' +
  '(an unclosed {{, an empty one, or one that is not a variable name), or provider or model names one no call could resolve ' +
  '(an unknown provider, a bare model no provider offers); details names each field, and a placeholder with its line and column';

export class TemplateVariableDto {
  @ApiProperty({ example: 'product' })
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'variable name must match [A-Za-z_][A-Za-z0-9_]*' })
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'used when the caller gives no value' })
  @IsOptional()
  @IsString()
  @NoNulCharacter()
  default?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @NoNulCharacter()
  description?: string | null;
}

/** The fields of one immutable version. */
export class PromptVersionFieldsDto {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'You are a concise copywriter.',
    description: `${TEXT_SYNTAX}; empty or only whitespace is refused (null or left out: no system prompt)`,
  })
  @IsOptional()
  @IsString()
  // a blank system prompt is sent as one, and Anthropic refuses a blank text: refused by name here, null means none
  @Matches(/\S/, { message: 'system_prompt must not be empty or only whitespace; send null, or leave it out, for no system prompt' })
  @MaxLength(200_000)
  @NoNulCharacter()
  system_prompt?: string | null;

  @ApiProperty({ example: 'Write a tagline for {{ product }} aimed at {{ audience }}.', description: `${TEXT_SYNTAX}; empty or only whitespace is refused` })
  @IsString()
  // a blank body renders a blank prompt on every call: refused by name, and kept as sent otherwise (whitespace may matter)
  @Matches(/\S/, { message: 'body must not be empty or only whitespace' })
  @MaxLength(200_000)
  @NoNulCharacter()
  body!: string;

  @ApiPropertyOptional({ type: [TemplateVariableDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => TemplateVariableDto)
  variables?: TemplateVariableDto[] | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'openai' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @NoNulCharacter()
  provider?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'gpt-4o-mini' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNulCharacter()
  model?: string | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { temperature: 0.7, max_tokens: 400 }, description: PARAMS })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  @NoNulCharacter()
  params?: Record<string, unknown> | null;
}

export class PromptCreateDto extends PromptVersionFieldsDto {
  @ApiProperty({ example: 'product-tagline', pattern: TEMPLATE_NAME.source })
  @IsString()
  @Matches(TEMPLATE_NAME, { message: NAME_MESSAGE })
  name!: string;

  @ApiPropertyOptional({ example: 'text', default: 'text' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @NoNulCharacter()
  template_type?: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacter()
  description?: string | null;
}

/**
 * A new version starts from the previous (highest-numbered) version: every field
 * left out is inherited, a field given overrides it, and null clears it.
 */
export class PromptVersionCreateDto extends PartialType(PromptVersionFieldsDto) {
  @ApiPropertyOptional({
    example: 'Write a tagline for {{ product }} aimed at {{ audience }}.',
    description: `left out: the previous version's body. ${TEXT_SYNTAX}; empty or only whitespace is refused`,
  })
  override body?: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: `left out: inherited; null: no system prompt. ${TEXT_SYNTAX}; empty or only whitespace is refused`,
  })
  override system_prompt?: string | null;

  @ApiPropertyOptional({ type: [TemplateVariableDto], nullable: true, description: 'replaces the list; left out: inherited; null: none' })
  override variables?: TemplateVariableDto[] | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'left out: inherited; null: none' })
  override provider?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'left out: inherited; null: none' })
  override model?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: `replaces the params; left out: inherited; null: none. ${PARAMS}`,
  })
  override params?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'what changed' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacter()
  note?: string | null;

  @ApiPropertyOptional({
    type: [String],
    example: ['production'],
    description: 'labels to move to the new version (latest always moves); production is refused (409) while ab_weights are set',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(LABEL_NAME, { each: true, message: 'label must match ^[a-z0-9][a-z0-9._-]{0,49}$' })
  labels?: string[];
}

export class PromptUpdateDto {
  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  @NoNulCharacter()
  description?: string | null;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @NoNulCharacter()
  template_type?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    nullable: true,
    example: { '1': 70, '2': 30 },
    description:
      'A/B weights over versions for the default (production) selection; while set they, not the production label, decide it. ' +
      'null ends the test (the production label decides again). The versions given a weight above 0 must require the same variables ' +
      '(optional ones and defaults may differ): a 422 names each that differs. While the production label is protected only an admin changes them',
  })
  @IsOptional()
  @ValidateIf((o: PromptUpdateDto) => o.ab_weights !== null)
  @IsObject()
  @KeepAsSent()
  ab_weights?: Record<string, number> | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'integer', nullable: true },
    example: { production: 2, beta: 3 },
    description: 'point labels at versions; null removes a custom label. production moves only when no ab_weights are left set (409 conflict otherwise)',
  })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  labels?: Record<string, number | null>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: { type: 'number' } },
    example: { production: { '1': 50, '2': 50 } },
    description:
      'point labels at weights over several versions; production only when no ab_weights are left set (409 conflict otherwise). ' +
      'The versions given a weight above 0 must require the same variables, as for ab_weights',
  })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  label_weights?: Record<string, Record<string, number>>;
}

export class TemplateUpdateDto extends PromptUpdateDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    example: { production: true },
    description: 'protect or unprotect labels the template has (an unknown label is a 422)',
  })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  protected_labels?: Record<string, boolean>;
}

export class PromptRenderDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { product: 'LLMHub', audience: 'developers' } })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @OptionalNotNull('leave it out to render the label (default production)')
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ example: 'production' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string;

  @ApiPropertyOptional({ description: 'keeps one subject on one version under A/B weights' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  subject?: string;
}

export class TemplateListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Matches(UUID_PATTERN, { message: 'owner_client_id must be a UUID' })
  owner_client_id?: string;

  @ApiPropertyOptional({ description: 'true: system templates only; false: client templates only' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsIn([true, false], { message: 'system must be true or false' })
  system?: boolean;
}

// ---- responses

export class TemplateVariableResponseDto {
  @ApiProperty() name!: string;
  @ApiProperty() required!: boolean;
  @ApiProperty({ type: String, nullable: true }) default!: string | null;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
}

export class PromptVersionResponseDto {
  @ApiProperty() version!: number;
  @ApiProperty({ type: String, nullable: true }) system_prompt!: string | null;
  @ApiProperty() body!: string;
  @ApiProperty({ type: [TemplateVariableResponseDto] }) variables!: TemplateVariableResponseDto[];
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;
}

export class PromptLabelResponseDto {
  @ApiProperty() label!: string;
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, nullable: true }) weights!: Record<string, number> | null;
  @ApiProperty() is_protected!: boolean;
}

export class PromptTemplateResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() template_type!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'null = system template' }) owner_client_id!: string | null;
  @ApiProperty() is_system!: boolean;
  @ApiProperty() active_version!: number;
  @ApiProperty() latest_version!: number;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'number' }, nullable: true }) ab_weights!: Record<string, number> | null;
  @ApiProperty({ type: [PromptLabelResponseDto] }) labels!: PromptLabelResponseDto[];
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at!: string;
}

export class TemplateWarningResponseDto {
  @ApiProperty({ example: 'ab_weights', description: 'where the problem is set: "ab_weights" or "label_weights.<label>"' }) field!: string;
  @ApiProperty({ example: 'variable "audience" is required by version 2 but not by version 1, so every call this split routes must give it' })
  message!: string;
}

export class PromptTemplateDetailResponseDto extends PromptTemplateResponseDto {
  @ApiProperty({ type: [PromptVersionResponseDto] }) versions!: PromptVersionResponseDto[];
  @ApiProperty({
    type: [TemplateWarningResponseDto],
    description:
      'problems the template keeps from before they were refused: an A/B split (ab_weights, label_weights) whose versions require ' +
      'different variables, one entry per variable; empty when there are none',
  })
  warnings!: TemplateWarningResponseDto[];
}

export class PromptTemplateListResponseDto {
  @ApiProperty({ type: [PromptTemplateResponseDto] }) items!: PromptTemplateResponseDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class PromptRenderResponseDto {
  @ApiProperty({ description: 'template name' }) template!: string;
  @ApiProperty({ format: 'uuid' }) template_id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ type: String, nullable: true }) system_prompt!: string | null;
  @ApiProperty() prompt!: string;
  @ApiProperty({ type: String, nullable: true }) provider!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
}
