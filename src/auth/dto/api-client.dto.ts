import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import Decimal from 'decimal.js';
import type { BudgetPeriod } from '../api-client.entity';
import { DecimalRules, parseDecimalInput } from '../../common/validation/decimal-input';
import { KeepAsSent, NoNulCharacter, OptionalNotNull, ValidateDecimal, ValidateMoneyUsd } from '../../common/validation/validate.decorators';

const FRACTION_RULES: DecimalRules = { maxIntegerDigits: 1, maxDecimals: 4, max: '1' };
const PERIODS: BudgetPeriod[] = ['day', 'week', 'month'];

/**
 * An alert threshold of 0 would warn before any spend (and the column's CHECK refuses it): a 422 naming the
 * field, as every other bad value, not a 500 from the database. Values that are not decimals at all are
 * left to ValidateDecimal's message.
 */
const AboveZero = () =>
  ValidateBy({
    name: 'isAboveZero',
    validator: {
      validate: (value: unknown) => {
        const parsed = parseDecimalInput(value, FRACTION_RULES);
        return !parsed.ok || new Decimal(parsed.text).greaterThan(0);
      },
      defaultMessage: (args?: ValidationArguments) => `${args?.property ?? 'value'} must be greater than 0 (got ${String(args?.value)}); null for no alert`,
    },
  });
/** The largest limits a client (or one of its keys) can be given: what the integer columns hold, with room to spare. */
export const MAX_RATE_LIMIT_RPM = 10_000_000;
export const MAX_RATE_LIMIT_TPM = 2_000_000_000;
/** A client's name is unique and shown everywhere: surrounding spaces are dropped, and a blank one is refused. */
const BLANK_NAME = { message: 'name must not be empty or only spaces' };
const trimmed = () => Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** optional, and null clears the value */
const Nullable = () => ValidateIf((_o, v) => v !== null && v !== undefined);

class ApiClientFieldsDto {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Campaign copy for the marketing admin' })
  @Nullable()
  @IsString()
  @MaxLength(1000)
  @NoNulCharacter()
  description?: string | null;

  @ApiPropertyOptional({ default: true, description: 'An inactive client gets 403 client_inactive' })
  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 1, example: 600, description: 'Requests per minute; null = unlimited' })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT_RPM)
  rate_limit_rpm?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    example: 200000,
    description: 'Tokens (input + max output) per minute; null = unlimited',
  })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT_TPM)
  rate_limit_tpm?: number | null;

  @ValidateMoneyUsd({ nullable: true, example: '250.00', description: 'Hard budget per period in USD; null = none' })
  monthly_budget_usd?: string | null;

  @ApiPropertyOptional({ enum: PERIODS, default: 'month', description: 'Calendar period of the budget' })
  @OptionalNotNull()
  @IsIn(PERIODS)
  budget_period?: BudgetPeriod;

  @ApiPropertyOptional({ default: 'UTC', example: 'Europe/Berlin', description: 'IANA timezone the budget period follows' })
  @OptionalNotNull()
  @IsString()
  @MaxLength(64)
  budget_timezone?: string;

  @ValidateDecimal(FRACTION_RULES, {
    nullable: true,
    example: '0.8',
    description: 'Fraction of the budget (above 0, at most 1) at which a warning is logged and shown',
  })
  @AboveZero()
  budget_alert_threshold?: string | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    example: ['openai', 'anthropic'],
    description:
      'Provider ids or aliases (claude = anthropic), built-in or configured custom, in any case; stored as sent. ' +
      'A name this instance does not have is a 422 listing the valid ones. null = every provider',
  })
  @Nullable()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(100)
  @NoNulCharacter()
  allowed_providers?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    example: ['openai/gpt-4o-mini', 'anthropic/*'],
    description:
      'provider/model, provider/* or bare model names (* = every model); the provider part must name a known provider ' +
      '(a model whose own name contains "/" is written after its provider: groq/qwen/qwen3-32b). null = every model',
  })
  @Nullable()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(500)
  @NoNulCharacter()
  allowed_models?: string[] | null;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    example: ['openai/gpt-4o-mini'],
    description:
      'Default ordered fallback models, each provider/model (or a bare model name); the provider part must name a known provider. ' +
      "A fallback outside the client's allow-lists is skipped",
  })
  @Nullable()
  @IsArray()
  @IsString({ each: true })
  @ArrayMaxSize(20)
  @NoNulCharacter()
  fallback_models?: string[] | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { team: 'marketing' } })
  @OptionalNotNull()
  @IsObject()
  @KeepAsSent()
  @NoNulCharacter()
  metadata?: Record<string, unknown>;
}

export class ApiClientCreateDto extends ApiClientFieldsDto {
  @ApiProperty({ example: 'marketing-admin', description: 'Unique regardless of case (else 409); surrounding spaces are dropped' })
  @trimmed()
  @IsString()
  @MinLength(1, BLANK_NAME)
  @MaxLength(200)
  @NoNulCharacter()
  name!: string;
}

export class ApiClientUpdateDto extends ApiClientFieldsDto {
  @ApiPropertyOptional({ example: 'marketing-admin', description: 'Unique regardless of case (else 409); surrounding spaces are dropped' })
  @trimmed()
  @OptionalNotNull()
  @IsString()
  @MinLength(1, BLANK_NAME)
  @MaxLength(200)
  @NoNulCharacter()
  name?: string;
}

export type BudgetAlertState = 'none' | 'warning' | 'exceeded';

export class ApiClientResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'marketing-admin' }) name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty() is_active!: boolean;
  @ApiProperty({ type: Number, nullable: true }) rate_limit_rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) rate_limit_tpm!: number | null;
  @ApiProperty({ type: String, nullable: true, example: '250' }) monthly_budget_usd!: string | null;
  @ApiProperty({ enum: PERIODS }) budget_period!: BudgetPeriod;
  @ApiProperty({ example: 'UTC' }) budget_timezone!: string;
  @ApiProperty({ type: String, nullable: true, example: '0.8' }) budget_alert_threshold!: string | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_providers!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) allowed_models!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) fallback_models!: string[] | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ example: '12.345', description: 'Spend in the current budget period (the month by default), USD: committed cost from the rollups' })
  month_to_date_spend_usd!: string;
  @ApiProperty({ format: 'date-time', description: 'Start of the current budget period' }) period_start!: string;
  @ApiProperty({ type: String, nullable: true, example: '237.655', description: 'Budget left in the period; null without a budget' })
  remaining_budget_usd!: string | null;
  @ApiProperty({ enum: ['none', 'warning', 'exceeded'], description: 'warning: spend passed the alert threshold; exceeded: the hard budget is spent' })
  budget_alert!: BudgetAlertState;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class ApiClientPageDto {
  @ApiProperty({ type: [ApiClientResponseDto] }) items!: ApiClientResponseDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last' }) next_cursor!: string | null;
}
