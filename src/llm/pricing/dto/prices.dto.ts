import { ApiProperty } from '@nestjs/swagger';
import { IsObject } from 'class-validator';

export class PriceEntryDto {
  @ApiProperty({ example: 'openai/gpt-4o-mini' })
  model!: string;

  @ApiProperty({ type: String, nullable: true, example: '0.15', description: 'USD per 1M input tokens (decimal string)' })
  input_per_m!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '0.6' })
  output_per_m!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '0.075', description: 'null = billed at the input rate' })
  cached_input_per_m!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '3.75',
    description: 'USD per 1M prompt-cache write tokens (Anthropic: the default 5-minute TTL); null = billed at the input rate',
  })
  cache_write_per_m!: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '6',
    description:
      'USD per 1M prompt-cache write tokens with a 1-hour TTL (Anthropic `cache_control.ttl: "1h"`); null = billed at 2× the input rate on ' +
      'anthropic/ models (or at cache_write_per_m when that is higher), elsewhere at cache_write_per_m',
  })
  cache_write_1h_per_m!: string | null;

  @ApiProperty({ enum: ['builtin', 'override', 'console'], description: 'shipped table, PRICE_OVERRIDES, or edited in the console' })
  source!: 'builtin' | 'override' | 'console';
}

export class PriceListDto {
  @ApiProperty({ type: [PriceEntryDto] })
  items!: PriceEntryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Always null: the whole table fits on one page' })
  next_cursor!: string | null;
}

export class PricesUpdateDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      'openai/gpt-4o': { input_per_m: '2.5', output_per_m: '10', cached_input_per_m: '1.25' },
      'anthropic/claude-sonnet-4-5': { input_per_m: '3', output_per_m: '15', cached_input_per_m: '0.3', cache_write_per_m: '3.75', cache_write_1h_per_m: '6' },
      'local/llama3': null,
    },
    description:
      'Keyed "provider/model"; fields input_per_m and output_per_m (required), cached_input_per_m, cache_write_per_m, cache_write_1h_per_m; ' +
      'each price is USD per 1M tokens, a decimal string or a number (at most 1000000, and 6 decimal places; ' +
      'answered as decimal strings); null deletes the console price (the shipped or environment price applies again); ' +
      'at most 1,000 models per request, keys at most 200 characters',
  })
  @IsObject()
  prices!: Record<string, Record<string, unknown> | null>;
}
