import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/*
 * The Anthropic Messages bodies as the document describes them. The route reads
 * its body with the format parser (src/llm/compat/formats), which accepts every field
 * the Anthropic SDK may send, so these classes document and do not validate.
 */

export class AnthropicMessageParamDto {
  @ApiProperty({ enum: ['user', 'assistant'], example: 'user' }) role!: 'user' | 'assistant';
  @ApiProperty({
    description:
      'Text, or an array of content blocks (`text`, `image`, `tool_use`, `tool_result`; in user turns `document`: a base64 PDF, a PDF by `url` or ' +
      'a `text` source, with `title`, `context` and `citations` `{enabled}`; in assistant turns `thinking` and `redacted_thinking`, ' +
      'passed back to Anthropic unchanged)',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }],
    example: 'Write a tagline for a bakery.',
  })
  content!: string | Record<string, unknown>[];
}

export class MessageCreateDto {
  @ApiProperty({
    example: 'anthropic/claude-sonnet-4-5',
    description: '`provider/model`, a known bare model name, or an alias; any configured provider answers',
  })
  model!: string;
  @ApiProperty({ example: 256 }) max_tokens!: number;
  @ApiProperty({ type: [AnthropicMessageParamDto] }) messages!: AnthropicMessageParamDto[];
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }] }) system?:
    string | Record<string, unknown>[];
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) temperature?: number;
  @ApiPropertyOptional() top_p?: number;
  @ApiPropertyOptional() top_k?: number;
  @ApiPropertyOptional({ type: [String] }) stop_sequences?: string[];
  @ApiPropertyOptional({ description: 'Answer as a text/event-stream of Anthropic events', default: false }) stream?: boolean;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) tools?: Record<string, unknown>[];
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      '`{type: auto|any|tool|none, name?, disable_parallel_tool_use?}`; disable_parallel_tool_use reaches OpenAI-shaped providers as parallel_tool_calls false',
  })
  tool_choice?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: '`{type: "ephemeral", ttl?: "5m" | "1h"}`: a prompt-cache breakpoint on the last block (also accepted on system, content blocks and tools)',
  })
  cache_control?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Extended thinking (anthropic models): `{type: "enabled", budget_tokens, display?}` (a budget of at least 1024, below max_tokens), ' +
      '`{type: "adaptive", display?}`, `{type: "between_tools"}` or `{type: "disabled"}`; `display` is `summarized` or `omitted`. ' +
      'Thinking on for another provider is a 400 naming `thinking`',
    example: { type: 'enabled', budget_tokens: 2048 },
  })
  thinking?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'LLMHub: a prompt template by name, or {name, version?, label?}',
    oneOf: [
      { type: 'string' },
      { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' }, label: { type: 'string' } }, required: ['name'] },
    ],
  })
  template?: string | Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'LLMHub: the template’s variables' }) variables?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'LLMHub: models to try in order when the first fails' }) fallbacks?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Anthropic metadata; LLMHub stores it with the call’s record' })
  metadata?: Record<string, unknown>;
}

export class MessageCountTokensDto {
  @ApiProperty({ example: 'anthropic/claude-sonnet-4-5', description: '`provider/model`, a known bare model name, or an alias' }) model!: string;
  @ApiProperty({ type: [AnthropicMessageParamDto] }) messages!: AnthropicMessageParamDto[];
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'object', additionalProperties: true } }] }) system?:
    string | Record<string, unknown>[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) tools?: Record<string, unknown>[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) tool_choice?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '`{type: "ephemeral", ttl?}`: a cache breakpoint on the last block' })
  cache_control?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'As on /v1/messages; checked, and not part of the count' })
  thinking?: Record<string, unknown>;
}

export class MessageTokensCountDto {
  @ApiProperty({ example: 14, description: 'Input tokens of the messages, system prompt and tools' }) input_tokens!: number;
}

export class AnthropicCacheCreationDto {
  @ApiProperty({ example: 0, description: 'Cache writes with the default 5-minute TTL' }) ephemeral_5m_input_tokens!: number;
  @ApiProperty({ example: 0, description: 'Cache writes with `ttl: "1h"` (billed at the 1-hour cache-write rate)' }) ephemeral_1h_input_tokens!: number;
}

export class AnthropicOutputTokensDetailsDto {
  @ApiProperty({ example: 0, description: 'Output tokens the model spent reasoning (included in output_tokens)' }) thinking_tokens!: number;
}

export class AnthropicUsageDto {
  @ApiProperty({ example: 12 }) input_tokens!: number;
  @ApiProperty({ example: 9 }) output_tokens!: number;
  @ApiProperty({ example: 0 }) cache_read_input_tokens!: number;
  @ApiProperty({ example: 0, description: 'All cache writes: the sum of cache_creation' }) cache_creation_input_tokens!: number;
  @ApiProperty({ type: AnthropicCacheCreationDto, description: 'The cache writes by TTL' }) cache_creation!: AnthropicCacheCreationDto;
  @ApiProperty({ type: AnthropicOutputTokensDetailsDto, nullable: true, description: 'null when the provider reported no reasoning tokens' })
  output_tokens_details!: AnthropicOutputTokensDetailsDto | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Always null: LLMHub takes no server tools' }) server_tool_use!: null;
  @ApiProperty({ enum: ['standard'] }) service_tier!: 'standard';
  @ApiProperty({ enum: ['standard'] }) speed!: 'standard';
  @ApiProperty({ type: String, nullable: true, description: 'Always null: LLMHub does not know where the provider ran the call' })
  inference_geo!: null;
  @ApiProperty({ type: String, nullable: true, example: '0.000171', description: 'LLMHub: the exact cost in USD (null when the model has no price)' })
  cost_usd!: string | null;
}

export class AnthropicRefusalStopDetailsDto {
  @ApiProperty({ enum: ['refusal'] }) type!: 'refusal';
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'cyber',
    description: 'The policy category Claude names (`cyber`, `bio`, `frontier_llm`, `reasoning_extraction`, `general_harms`); null from other providers',
  })
  category!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Claude’s explanation; from another provider, its refusal’s words (null when it gave none, as a content filter)',
  })
  explanation!: string | null;
}

export class MessageResponseDto {
  @ApiProperty({ example: 'msg_0b6f3a575d3e4c8e9a572f1f4f6a9c10' }) id!: string;
  @ApiProperty({ enum: ['message'] }) type!: 'message';
  @ApiProperty({ enum: ['assistant'] }) role!: 'assistant';
  @ApiProperty({ example: 'anthropic/claude-sonnet-4-5' }) model!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      '`thinking` blocks (`thinking`, `signature`) and `redacted_thinking` blocks (`data`) when the model thought, then `text` blocks ' +
      '(`citations` null, or the passages a block cites when a document had citations enabled) and `tool_use` blocks (`caller` `{type: "direct"}`)',
    example: [{ type: 'text', text: 'Fresh from our oven to your table.', citations: null }],
  })
  content!: Record<string, unknown>[];
  @ApiProperty({
    enum: ['end_turn', 'max_tokens', 'stop_sequence', 'tool_use', 'refusal'],
    description: '`refusal`: the model declined (an OpenAI-shaped model’s refusal, whose words are the text) or a content filter stopped it',
  })
  stop_reason!: string;
  @ApiProperty({ type: String, nullable: true }) stop_sequence!: string | null;
  @ApiProperty({
    type: AnthropicRefusalStopDetailsDto,
    nullable: true,
    description: 'null unless stop_reason is `refusal`',
  })
  stop_details!: AnthropicRefusalStopDetailsDto | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Always null: LLMHub takes no container tools' }) container!: null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Always null: LLMHub takes no `diagnostics`' }) diagnostics!: null;
  @ApiProperty({ type: AnthropicUsageDto }) usage!: AnthropicUsageDto;
  @ApiProperty({ format: 'uuid', description: 'LLMHub: the id of the call’s record' }) request_id!: string;
}

export class AnthropicModelDto {
  @ApiProperty({ enum: ['model'] }) type!: 'model';
  @ApiProperty({ example: 'anthropic/claude-sonnet-4-5' }) id!: string;
  @ApiProperty({ example: 'anthropic/claude-sonnet-4-5', description: 'The `provider/model` id' }) display_name!: string;
  @ApiProperty({ example: '2023-11-14T22:13:20Z', description: 'RFC 3339; a fixed date (LLMHub does not know release dates)' }) created_at!: string;
  @ApiProperty({ enum: ['active'] }) lifecycle!: 'active';
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'null: not known to LLMHub' }) capabilities!: null;
  @ApiProperty({ type: String, nullable: true }) deprecated_at!: string | null;
  @ApiProperty({ type: String, nullable: true }) line!: string | null;
  @ApiProperty({ type: Number, nullable: true, example: 200000, description: 'The context window of a Claude model LLMHub knows; else null' })
  max_input_tokens!: number | null;
  @ApiProperty({ type: Number, nullable: true, example: 64000, description: 'The largest max_tokens of a Claude model LLMHub knows; else null' })
  max_tokens!: number | null;
  @ApiProperty({ type: String, nullable: true }) retires_at!: string | null;
}

export class AnthropicModelListDto {
  @ApiProperty({ type: [AnthropicModelDto] }) data!: AnthropicModelDto[];
  @ApiProperty({ description: 'More models lie further in the paging direction' }) has_more!: boolean;
  @ApiProperty({ type: String, nullable: true }) first_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_id!: string | null;
}
