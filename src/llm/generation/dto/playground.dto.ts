import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsObject, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { KeepAsSent } from '../../../common/validation/validate.decorators';

export class PlaygroundRunDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, example: { product: 'LLMHub', audience: 'developers' } })
  @IsOptional()
  @IsObject()
  @KeepAsSent()
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, description: 'the version to run; default: the production selection' })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;

  @ApiPropertyOptional({ example: 'production' })
  @IsOptional()
  @IsString()
  @MaxLength(50)
  label?: string;

  @ApiPropertyOptional({ example: 'openai/gpt-4o-mini', description: "provider/model; default: the version's model, else the first configured provider's" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  model?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 32000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32000)
  max_tokens?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 2 })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(2)
  temperature?: number;
}

export class PlaygroundResponseDto {
  @ApiProperty() version!: number;
  @ApiProperty({ type: String, nullable: true }) system_prompt!: string | null;
  @ApiProperty() prompt!: string;
  @ApiProperty({ example: 'openai/gpt-4o-mini', description: 'the model that answered' }) model!: string;
  @ApiProperty() output!: string;
  @ApiProperty({ example: 'stop' }) finish_reason!: string;
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.000123', description: 'USD at the prices in force; null when the price is unknown' })
  cost_usd!: string | null;
  @ApiProperty() price_unknown!: boolean;
  @ApiProperty() latency_ms!: number;
  @ApiProperty() attempts!: number;
}
