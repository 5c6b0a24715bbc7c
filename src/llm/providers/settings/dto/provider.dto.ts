import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsString, IsUrl, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import type { CircuitState } from '../../../routing/circuit-breaker';

/** optional, and null clears the value (the environment's applies again) */
const Nullable = () => ValidateIf((_o, v) => v !== null && v !== undefined);

const CIRCUIT_STATES: CircuitState[] = ['closed', 'open', 'half_open'];

export class ProviderResponseDto {
  @ApiProperty({ example: 'openai' })
  name!: string;

  @ApiProperty({ description: 'Enabled and able to connect (a key, or a custom provider without one): calls may be routed to it' })
  configured!: boolean;

  @ApiProperty()
  enabled!: boolean;

  @ApiProperty({ type: String, nullable: true, example: 'sk-…abcd', description: 'Masked; the full key is never returned' })
  api_key!: string | null;

  @ApiProperty({ enum: ['environment', 'console'], nullable: true, description: 'Where the key in force comes from' })
  api_key_source!: 'environment' | 'console' | null;

  @ApiProperty({ type: String, nullable: true, example: 'https://api.openai.com/v1' })
  base_url!: string | null;

  @ApiProperty({ example: 60000, description: 'Per-attempt upstream timeout' })
  timeout_ms!: number;

  @ApiProperty({ type: [String], example: ['gpt-4o', 'gpt-4o-mini'] })
  models!: string[];

  @ApiProperty({ enum: CIRCUIT_STATES, description: 'This instance’s circuit breaker for the provider' })
  circuit!: CircuitState;
}

export class ProviderListDto {
  @ApiProperty({ type: [ProviderResponseDto] })
  items!: ProviderResponseDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Always null: every provider fits on one page' })
  next_cursor!: string | null;
}

/** optional, but not null: IsOptional lets null through, where it would mean nothing */
const NotNull = () => ValidateIf((_o, v) => v !== undefined);

export class ProviderUpdateDto {
  @ApiPropertyOptional()
  @NotNull()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    writeOnly: true,
    description: 'Stored encrypted (AES-256-GCM with LLMHUB_SECRET); null or an empty string removes the console key (the environment’s applies again)',
  })
  @Nullable()
  @IsString()
  @MaxLength(4096)
  api_key?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'https://api.openai.com/v1',
    description: 'http(s) URL; null = the environment’s (or the SDK default)',
  })
  @Nullable()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false, disallow_auth: true },
    { message: 'base_url must be an http(s) URL without credentials in it (give the key as api_key)' },
  )
  @MaxLength(2048)
  base_url?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 100, maximum: 3_600_000, description: 'ms; null = PROVIDER_TIMEOUT_MS' })
  @Nullable()
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  timeout_ms?: number | null;
}

export class ProviderTestErrorDto {
  @ApiProperty({
    enum: ['not_configured', 'auth', 'connection', 'timeout', 'rate_limited', 'server_error', 'bad_request', 'malformed', 'no_model'],
    description:
      'What went wrong upstream (the test has codes of its own, not the API error codes): not_configured, no key or switched off; ' +
      'auth, the provider refused the key (401/403); connection, the base URL could not be reached; timeout, no answer in time; ' +
      'rate_limited, 429; server_error, 5xx; bad_request, another 4xx (a 404 at a base URL of one’s own says to check it); ' +
      'malformed, an answer that was not the provider’s format; no_model, the provider lists no chat model to test with',
  })
  code!: string;

  @ApiProperty()
  message!: string;
}

export class ProviderTestResultDto {
  @ApiProperty()
  ok!: boolean;

  @ApiProperty({ example: 412 })
  latency_ms!: number;

  @ApiProperty({ type: String, nullable: true, example: 'openai/gpt-4.1-nano', description: 'The model the test call used' })
  model!: string | null;

  @ApiPropertyOptional({ type: ProviderTestErrorDto })
  error?: ProviderTestErrorDto;
}
