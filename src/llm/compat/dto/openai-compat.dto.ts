import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REASONING_EFFORTS, REASONING_FORMATS, type ReasoningEffort, type ReasoningFormat, VERBOSITIES, type Verbosity } from '../../providers/llm-provider';

/*
 * The OpenAI-compatible bodies as the document describes them. The routes read
 * their bodies with the format parsers (src/llm/compat/formats), which accept every
 * field an OpenAI SDK may send, so these classes document and do not validate.
 */

export class OpenAiChatMessageDto {
  @ApiProperty({ enum: ['system', 'developer', 'user', 'assistant', 'tool'], example: 'user' }) role!: string;
  @ApiProperty({
    description:
      'Text, or an array of content parts (`text`, `image_url`, and in user messages `file`: a PDF as `file.file_data`, a ' +
      'data:application/pdf;base64 URL, with `file.filename`); null on an assistant message that only calls tools',
    oneOf: [
      { type: 'string', nullable: true },
      { type: 'array', items: { type: 'object', additionalProperties: true } },
    ],
    example: 'Write a tagline for a bakery.',
  })
  content!: string | Record<string, unknown>[] | null;
  @ApiPropertyOptional({ description: 'On a tool message: the call it answers' }) tool_call_id?: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'On an assistant message: the tools it called' })
  tool_calls?: Record<string, unknown>[];
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'On an assistant message: the `thinking_blocks` an anthropic model answered it with, passed back unchanged (with thinking on, ' +
      'the last assistant message that called tools needs them); left out for other providers',
  })
  thinking_blocks?: Record<string, unknown>[];
}

export class ChatCompletionCreateDto {
  @ApiProperty({ example: 'openai/gpt-4o-mini', description: '`provider/model`, a known bare model name, or an alias' }) model!: string;
  @ApiProperty({ type: [OpenAiChatMessageDto] }) messages!: OpenAiChatMessageDto[];
  @ApiPropertyOptional({ example: 256 }) max_tokens?: number;
  @ApiPropertyOptional({ description: 'Same as max_tokens' }) max_completion_tokens?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 0.7 }) temperature?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) top_p?: number;
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }) stop?: string | string[];
  @ApiPropertyOptional({ description: 'Answer as a text/event-stream of chat.completion.chunk events', default: false }) stream?: boolean;
  @ApiPropertyOptional({
    type: 'object',
    properties: { include_usage: { type: 'boolean' } },
    description: 'include_usage: usage (with cost_usd) in the last chunk',
  })
  stream_options?: { include_usage?: boolean };
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'OpenAI function tools' }) tools?: Record<
    string,
    unknown
  >[];
  @ApiPropertyOptional({ oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] }) tool_choice?: string | Record<string, unknown>;
  @ApiPropertyOptional({
    description:
      'The shape of the answer: `{"type":"text"}` (the default, any provider), `{"type":"json_object"}`, or `{"type":"json_schema",' +
      '"json_schema":{name, schema, strict?, description?}}`. The JSON modes reach OpenAI-shaped providers (openai, groq, custom ones) as sent; ' +
      'anthropic models get them as one forced tool whose input comes back as the message content (with `tools` too, a 400 naming ' +
      '`response_format`); for other providers (mock) the request is a 400 naming `response_format`',
    type: 'object',
    properties: {
      type: { type: 'string', enum: ['text', 'json_object', 'json_schema'] },
      json_schema: {
        type: 'object',
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z0-9_-]{1,64}$' },
          description: { type: 'string' },
          schema: { type: 'object', additionalProperties: true },
          strict: { type: 'boolean', nullable: true },
        },
        required: ['name'],
      },
    },
    required: ['type'],
    example: {
      type: 'json_schema',
      json_schema: { name: 'tagline', schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, strict: true },
    },
  })
  response_format?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'Answer the log probability of each output token (openai and custom providers; a 400 naming `logprobs` for others)',
    default: false,
  })
  logprobs?: boolean;
  @ApiPropertyOptional({ minimum: 0, maximum: 20, description: 'With `logprobs: true`: the most likely alternatives per token' }) top_logprobs?: number;
  @ApiPropertyOptional({
    minimum: 1,
    maximum: 128,
    default: 1,
    example: 3,
    description:
      'How many choices to answer, each its own answer to the same messages (openai and custom providers; a 400 naming `n` for others). ' +
      '`max_tokens` bounds each choice, so the budget reservation and the token limit count `n` times `max_tokens`; the usage and ' +
      'the cost cover every choice',
  })
  n?: number;
  @ApiPropertyOptional({
    enum: REASONING_EFFORTS,
    nullable: true,
    example: 'low',
    description:
      'How long a reasoning model thinks before it answers, passed on as sent (openai, groq and custom providers, whose models say ' +
      'which values they take; a 400 naming `reasoning_effort` for others). It changes the answer and the output tokens billed',
  })
  reasoning_effort?: ReasoningEffort | null;
  @ApiPropertyOptional({
    enum: VERBOSITIES,
    nullable: true,
    example: 'low',
    description:
      'How long the answer runs, passed on as sent (openai and custom providers; a 400 naming `verbosity` for others). ' +
      'It changes the answer and the output tokens billed',
  })
  verbosity?: Verbosity | null;
  @ApiPropertyOptional({
    enum: REASONING_FORMATS,
    nullable: true,
    example: 'parsed',
    description:
      'Groq: how a reasoning model shows its reasoning (`parsed` in message.reasoning, `raw` in think tags in the content, `hidden`), ' +
      'passed on as sent (a 400 naming it for other providers)',
  })
  reasoning_format?: ReasoningFormat | null;
  @ApiPropertyOptional({
    nullable: true,
    description: 'Groq: whether message.reasoning holds a reasoning model’s reasoning; not with reasoning_format (a 400 naming it for other providers)',
  })
  include_reasoning?: boolean | null;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Anthropic extended thinking (anthropic models; a 400 naming `thinking` for others), as on /v1/messages: `{type: "enabled", ' +
      'budget_tokens, display?}` (a budget of at least 1024, below max_tokens), `{type: "adaptive", display?}`, `{type: "between_tools"}` ' +
      'or `{type: "disabled"}`. The reasoning is answered in message.reasoning, the signed blocks in message.thinking_blocks',
    example: { type: 'enabled', budget_tokens: 2048 },
  })
  thinking?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'LLMHub: a prompt template by name, or {name, version?, label?}; its rendered text is sent',
    oneOf: [
      { type: 'string' },
      { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' }, label: { type: 'string' } }, required: ['name'] },
    ],
  })
  template?: string | Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'LLMHub: the template’s variables', example: { product: 'sourdough' } })
  variables?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'LLMHub: models to try in order when the first fails', example: ['anthropic/claude-haiku-4-5'] })
  fallbacks?: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'LLMHub: stored with the call’s record' }) metadata?: Record<string, unknown>;
}

// classes rather than inline objects: Nest reads an inline object's `required` list as "optional" for the property itself
export class PromptTokensDetailsDto {
  @ApiProperty({ type: 'integer', example: 0, description: 'Input tokens read from the provider’s prompt cache' }) cached_tokens!: number;
}

export class CompletionTokensDetailsDto {
  @ApiProperty({ type: 'integer', example: 0 }) reasoning_tokens!: number;
}

export class OpenAiUsageDto {
  @ApiProperty({ example: 12 }) prompt_tokens!: number;
  @ApiProperty({ example: 9 }) completion_tokens!: number;
  @ApiProperty({ example: 21 }) total_tokens!: number;
  @ApiProperty({ type: PromptTokensDetailsDto }) prompt_tokens_details!: PromptTokensDetailsDto;
  @ApiProperty({ type: CompletionTokensDetailsDto }) completion_tokens_details!: CompletionTokensDetailsDto;
  @ApiProperty({ type: String, nullable: true, example: '0.0000072', description: 'LLMHub: the exact cost in USD (null when the model has no price)' })
  cost_usd!: string | null;
}

export class ChatCompletionMessageDto {
  @ApiProperty({ enum: ['assistant'] }) role!: 'assistant';
  @ApiProperty({ type: String, nullable: true, example: 'Fresh from our oven to your table.' }) content!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The model declined to answer, in its own words (content is then null); null otherwise',
  })
  refusal!: string | null;
  @ApiPropertyOptional({
    example: 'The user wants a short tagline; bakeries sell warmth.',
    description: 'A reasoning model’s reasoning, where its provider shows it (Groq, an Anthropic model’s thinking, local servers); absent otherwise',
  })
  reasoning?: string;
  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ type: 'thinking', thinking: 'The user wants a short tagline.', signature: 'EqQBCgIYAhIM…' }],
    description:
      'An anthropic model’s thinking as signed blocks (`thinking` with its `signature`, `redacted_thinking` with its `data`), to pass ' +
      'back on this message in the next turn; streamed as delta.thinking_blocks, each time a block ends, holding every block so far; ' +
      'absent otherwise',
  })
  thinking_blocks?: Record<string, unknown>[];
  @ApiPropertyOptional({ type: 'array', items: { type: 'object', additionalProperties: true } }) tool_calls?: Record<string, unknown>[];
}

export class TopLogprobDto {
  @ApiProperty({ example: 'Fresh' }) token!: string;
  @ApiProperty({ example: -0.0123 }) logprob!: number;
  @ApiProperty({ type: [Number], nullable: true, description: 'the UTF-8 bytes of the token', example: [70, 114, 101, 115, 104] }) bytes!: number[] | null;
}

export class TokenLogprobDto extends TopLogprobDto {
  @ApiProperty({ type: [TopLogprobDto], description: 'the most likely tokens at this position, as many as `top_logprobs` asked for' })
  top_logprobs!: TopLogprobDto[];
}

export class ChatCompletionLogprobsDto {
  @ApiProperty({ type: [TokenLogprobDto], nullable: true }) content!: TokenLogprobDto[] | null;
  @ApiProperty({ type: [TokenLogprobDto], nullable: true }) refusal!: TokenLogprobDto[] | null;
}

export class ChatCompletionChoiceDto {
  @ApiProperty({ example: 0, description: '0 to n-1; one choice unless the request set `n`' }) index!: number;
  @ApiProperty({ type: ChatCompletionMessageDto }) message!: ChatCompletionMessageDto;
  @ApiProperty({
    type: ChatCompletionLogprobsDto,
    nullable: true,
    description: "The provider's log probabilities of the answer's tokens when the request set `logprobs: true`, otherwise null",
  })
  logprobs!: ChatCompletionLogprobsDto | null;
  @ApiProperty({ enum: ['stop', 'length', 'tool_calls', 'content_filter'] }) finish_reason!: string;
}

export class ChatCompletionResponseDto {
  @ApiProperty({ example: 'chatcmpl-0b6f3a575d3e4c8e9a572f1f4f6a9c10' }) id!: string;
  @ApiProperty({ enum: ['chat.completion'] }) object!: 'chat.completion';
  @ApiProperty({ example: 1767225600 }) created!: number;
  @ApiProperty({ example: 'openai/gpt-4o-mini' }) model!: string;
  @ApiProperty({ type: [ChatCompletionChoiceDto], description: 'One choice, or `n` in index order' }) choices!: ChatCompletionChoiceDto[];
  @ApiProperty({ type: OpenAiUsageDto, description: 'The whole call, every choice included' }) usage!: OpenAiUsageDto;
  @ApiProperty({ type: String, nullable: true }) system_fingerprint!: null;
  @ApiProperty({ format: 'uuid', description: 'LLMHub: the id of the call’s record' }) request_id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'LLMHub: the model asked for, when a fallback or alias answered' }) requested_model!: string | null;
  @ApiProperty({ example: 1, description: 'LLMHub: provider attempts, retries and fallbacks included' }) attempts!: number;
}

export class ModelDto {
  @ApiProperty({ example: 'openai/gpt-4o-mini' }) id!: string;
  @ApiProperty({ enum: ['model'] }) object!: 'model';
  @ApiProperty({ example: 1700000000 }) created!: number;
  @ApiProperty({ example: 'openai', description: 'The provider' }) owned_by!: string;
}

export class ModelListResponseDto {
  @ApiProperty({ enum: ['list'] }) object!: 'list';
  @ApiProperty({ type: [ModelDto] }) data!: ModelDto[];
}

export class EmbeddingCreateDto {
  @ApiProperty({ example: 'openai/text-embedding-3-small' }) model!: string;
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], example: 'The quick brown fox' }) input!: string | string[];
  @ApiPropertyOptional({ enum: ['float', 'base64'], default: 'float' }) encoding_format?: 'float' | 'base64';
  @ApiPropertyOptional({ example: 256 }) dimensions?: number;
}

export class EmbeddingDto {
  @ApiProperty({ enum: ['embedding'] }) object!: 'embedding';
  @ApiProperty({ example: 0 }) index!: number;
  @ApiProperty({
    oneOf: [
      { type: 'array', items: { type: 'number' } },
      { type: 'string', description: 'base64 of little-endian float32' },
    ],
  })
  embedding!: number[] | string;
}

export class EmbeddingUsageDto {
  @ApiProperty({ example: 5 }) prompt_tokens!: number;
  @ApiProperty({ example: 5 }) total_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.0000001' }) cost_usd!: string | null;
}

export class EmbeddingResponseDto {
  @ApiProperty({ enum: ['list'] }) object!: 'list';
  @ApiProperty({ type: [EmbeddingDto] }) data!: EmbeddingDto[];
  @ApiProperty({ example: 'openai/text-embedding-3-small' }) model!: string;
  @ApiProperty({ type: EmbeddingUsageDto }) usage!: EmbeddingUsageDto;
}

export class ImageCreateDto {
  @ApiProperty({ example: 'A loaf of sourdough on a wooden table' }) prompt!: string;
  @ApiPropertyOptional({ example: 'openai/gpt-image-1' }) model?: string;
  @ApiPropertyOptional({ default: 1, minimum: 1, description: 'At most 10; dall-e-3 makes one image per request' }) n?: number;
  @ApiPropertyOptional({
    example: '1024x1024',
    description:
      'Checked per OpenAI model before the call (a 400/422 naming the field): dall-e-2 256x256, 512x512 or 1024x1024; ' +
      'dall-e-3 1024x1024, 1792x1024 or 1024x1792; gpt-image models 1024x1024, 1536x1024, 1024x1536 or auto',
  })
  size?: string;
  @ApiPropertyOptional({ example: 'standard', description: 'standard (dall-e-2, dall-e-3), hd (dall-e-3), low, medium or high (gpt-image); or auto' })
  quality?: string;
  @ApiPropertyOptional({ enum: ['url', 'b64_json'] }) response_format?: 'url' | 'b64_json';
  @ApiPropertyOptional({ enum: ['vivid', 'natural'], description: 'DALL·E 3; passed on as sent' }) style?: 'vivid' | 'natural';
  @ApiPropertyOptional({ enum: ['transparent', 'opaque', 'auto'], description: 'gpt-image; passed on as sent' }) background?: 'transparent' | 'opaque' | 'auto';
  @ApiPropertyOptional({ enum: ['png', 'jpeg', 'webp'], description: 'gpt-image; passed on as sent' }) output_format?: 'png' | 'jpeg' | 'webp';
  @ApiPropertyOptional({ minimum: 0, maximum: 100, description: 'gpt-image, jpeg or webp; passed on as sent' }) output_compression?: number;
  @ApiPropertyOptional({ enum: ['low', 'auto'], description: 'gpt-image; passed on as sent' }) moderation?: 'low' | 'auto';
}

export class ImageDataDto {
  @ApiPropertyOptional() url?: string;
  @ApiPropertyOptional() b64_json?: string;
  @ApiPropertyOptional() revised_prompt?: string;
}

export class ImagesUsageDto {
  @ApiProperty() input_tokens!: number;
  @ApiProperty() output_tokens!: number;
  @ApiProperty() total_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.04' }) cost_usd!: string | null;
}

export class ImagesResponseDto {
  @ApiProperty({ example: 1767225600 }) created!: number;
  @ApiProperty({ type: [ImageDataDto] }) data!: ImageDataDto[];
  @ApiProperty({ type: ImagesUsageDto }) usage!: ImagesUsageDto;
}
