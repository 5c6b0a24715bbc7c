import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REASONING_EFFORTS } from '../../providers/llm-provider';

/*
 * The OpenAI Responses bodies as the document describes them. The route reads its body with
 * its format parser (src/llm/compat/formats/openai-responses.format.ts), so these classes
 * document and do not validate.
 */

const ITEMS = { type: 'array', items: { type: 'object', additionalProperties: true } } as const;

export class ResponseCreateDto {
  @ApiProperty({ example: 'openai/gpt-4o-mini', description: '`provider/model`, a known bare model name, or an alias' }) model!: string;
  @ApiProperty({
    description:
      'A string (one user message), or an array of input items: messages (`{role: user|assistant|system|developer, content}`, `type: ' +
      '"message"` optional; content a string or parts `input_text`, `input_image` with an https or data: `image_url`, `input_file` (a PDF as ' +
      '`file_data`, a data:application/pdf;base64 URL, or at `file_url`; `filename`), and `output_text` ' +
      'or `refusal` in assistant history), `function_call` items (`call_id`, `name`, `arguments`) and `function_call_output` items ' +
      '(`call_id`, `output`). LLMHub keeps no state: the whole conversation goes here. `reasoning` items as answered for an ' +
      'anthropic model (their `encrypted_content` holds a signed thinking block) go back to it with the turn they opened; other ' +
      '`reasoning` items are accepted and dropped; ' +
      '`input_audio`, `file_id` images and files, and `item_reference` are refused with a 400 naming the item',
    oneOf: [{ type: 'string' }, ITEMS],
    example: 'Write a tagline for a bakery.',
  })
  input!: string | Record<string, unknown>[];
  @ApiPropertyOptional({ description: 'The system prompt', example: 'Answer in one sentence.' }) instructions?: string;
  @ApiPropertyOptional({ example: 256, description: 'The most output tokens; an answer cut there has status `incomplete`' }) max_output_tokens?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 2, example: 0.7 }) temperature?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) top_p?: number;
  @ApiPropertyOptional({ description: 'Answer as a text/event-stream of Responses events', default: false }) stream?: boolean;
  @ApiPropertyOptional({
    ...ITEMS,
    description:
      'Function tools, flat: `{type: "function", name, description?, parameters?, strict?}`. Built-in tools (web_search, file_search, …) are refused',
  })
  tools?: Record<string, unknown>[];
  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', enum: ['auto', 'none', 'required'] },
      { type: 'object', additionalProperties: true },
    ],
    description: '`auto`, `none`, `required` or `{type: "function", name}`',
  })
  tool_choice?: string | Record<string, unknown>;
  @ApiPropertyOptional({ description: 'false: at most one function call per answer', default: true }) parallel_tool_calls?: boolean;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      '`format`: `{"type":"text"}` (the default), `{"type":"json_object"}`, or `{"type":"json_schema", name, schema, strict?, description?}`; ' +
      'as `response_format` on /v1/chat/completions (anthropic models through one forced tool; a 400 naming `text.format` where a provider has no ' +
      'JSON mode). ' +
      '`verbosity`: `low`, `medium` or `high`, as `verbosity` there (a 400 naming `text.verbosity` where a provider has none)',
    example: {
      format: { type: 'json_schema', name: 'tagline', schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] }, strict: true },
    },
  })
  text?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: [String],
    description:
      '`message.output_text.logprobs` answers the output text’s logprobs (per delta when streamed), from the providers that give them ' +
      '(OpenAI models; a 400 naming `include` for others); other values are accepted and ignored',
    example: ['message.output_text.logprobs'],
  })
  include?: string[];
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 20,
    description: 'With `include: ["message.output_text.logprobs"]`: the most likely alternatives per token; alone it asks for nothing',
  })
  top_logprobs?: number;
  @ApiPropertyOptional({
    type: 'object',
    properties: { effort: { type: 'string', enum: [...REASONING_EFFORTS], nullable: true }, summary: { type: 'string', nullable: true } },
    example: { effort: 'low' },
    description:
      '`effort`: how long a reasoning model thinks, passed on as the chat API’s `reasoning_effort` (openai, groq and custom providers; ' +
      'a 400 naming `reasoning.effort` for others). `summary` is accepted and ignored',
  })
  reasoning?: Record<string, unknown>;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Anthropic extended thinking (anthropic models; a 400 naming `thinking` for others), as on /v1/messages: `{type: "enabled", ' +
      'budget_tokens, display?}` (a budget of at least 1024, below max_output_tokens), `{type: "adaptive", display?}`, ' +
      '`{type: "between_tools"}` or `{type: "disabled"}`. Each signed thinking block is answered as a `reasoning` item',
    example: { type: 'enabled', budget_tokens: 2048 },
  })
  thinking?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Accepted; nothing is stored whatever its value (the answer says `store: false`)' }) store?: boolean;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Stored with the call’s record and echoed in the answer' })
  metadata?: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Echoed; with `template`, keeps one user on one A/B version' }) user?: string;
  @ApiPropertyOptional({
    description: 'LLMHub: a prompt template by name, or {name, version?, label?}; its rendered text is sent (input is then optional)',
    oneOf: [
      { type: 'string' },
      { type: 'object', properties: { name: { type: 'string' }, version: { type: 'integer' }, label: { type: 'string' } }, required: ['name'] },
    ],
  })
  template?: string | Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'LLMHub: the template’s variables' }) variables?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [String], description: 'LLMHub: models to try in order when the first fails', example: ['anthropic/claude-haiku-4-5'] })
  fallbacks?: string[];
}

// classes rather than inline objects: Nest reads an inline object's `required` list as "optional" for the property itself
export class InputTokensDetailsDto {
  @ApiProperty({ type: 'integer', example: 0, description: 'Input tokens read from the provider’s prompt cache' }) cached_tokens!: number;
}

export class OutputTokensDetailsDto {
  @ApiProperty({ type: 'integer', example: 0 }) reasoning_tokens!: number;
}

export class ResponseReasoningDto {
  @ApiProperty({ type: String, nullable: true, description: 'The request’s `reasoning.effort`, echoed; null when not given' }) effort!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: LLMHub answers no reasoning summary' }) summary!: string | null;
}

export class ResponseUsageDto {
  @ApiProperty({ example: 12 }) input_tokens!: number;
  @ApiProperty({ type: InputTokensDetailsDto }) input_tokens_details!: InputTokensDetailsDto;
  @ApiProperty({ example: 9 }) output_tokens!: number;
  @ApiProperty({ type: OutputTokensDetailsDto }) output_tokens_details!: OutputTokensDetailsDto;
  @ApiProperty({ example: 21 }) total_tokens!: number;
  @ApiProperty({ type: String, nullable: true, example: '0.0000072', description: 'LLMHub: the exact cost in USD (null when the model has no price)' })
  cost_usd!: string | null;
}

export class ResponseObjectDto {
  @ApiProperty({ example: 'resp_0b6f3a57-5d3e-4c8e-9a57-2f1f4f6a9c10', description: '`resp_` and the request id; not stored, so not retrievable' }) id!: string;
  @ApiProperty({ enum: ['response'] }) object!: 'response';
  @ApiProperty({ example: 1767225600 }) created_at!: number;
  @ApiProperty({ enum: ['completed', 'incomplete'] }) status!: string;
  @ApiProperty({ enum: [false], description: 'Always false: background responses are not supported' }) background!: boolean;
  @ApiProperty({ type: 'object', nullable: true, properties: { reason: { type: 'string', enum: ['max_output_tokens', 'content_filter'] } } })
  incomplete_details!: { reason: string } | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Always null on a 200' }) error!: null;
  @ApiProperty({ example: 'openai/gpt-4o-mini' }) model!: string;
  @ApiProperty({
    ...ITEMS,
    description:
      'A `message` item (`{type: "message", id, status, role: "assistant", content: [{type: "output_text", text, annotations: []}]}`; ' +
      'a model that declines to answer gives a `{type: "refusal", refusal}` part instead) ' +
      'and/or `function_call` items (`{type: "function_call", id, call_id, name, arguments, status}`), after a `reasoning` item ' +
      '(`{type: "reasoning", id, summary: [], content: [{type: "reasoning_text", text}], status}`) when a reasoning model showed its reasoning; ' +
      'an anthropic model’s thinking is one `reasoning` item per signed block, the block in `encrypted_content`, to pass back as input',
  })
  output!: Record<string, unknown>[];
  @ApiProperty({ type: ResponseUsageDto }) usage!: ResponseUsageDto;
  @ApiProperty({ type: String, nullable: true }) instructions!: string | null;
  @ApiProperty({ type: Number, nullable: true }) max_output_tokens!: number | null;
  @ApiProperty({ type: Number, nullable: true }) temperature!: number | null;
  @ApiProperty({ type: Number, nullable: true }) top_p!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: each call stands alone (send the whole conversation in input)' })
  previous_response_id!: null;
  @ApiProperty({ type: ResponseReasoningDto, description: 'The request’s `reasoning.effort` echoed (null when not given); `summary` always null' })
  reasoning!: ResponseReasoningDto;
  @ApiProperty({ enum: ['disabled'], description: 'Always disabled: the request’s truncation setting is accepted and ignored' }) truncation!: 'disabled';
  @ApiProperty({ type: String, nullable: true, description: 'The request’s user, echoed' }) user!: string | null;
  @ApiProperty(ITEMS) tools!: Record<string, unknown>[];
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] }) tool_choice!: string | Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) text!: Record<string, unknown>;
  @ApiProperty() parallel_tool_calls!: boolean;
  @ApiProperty({ type: 'integer', example: 0, description: 'The request’s top_logprobs, echoed (0 when not given)' }) top_logprobs!: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: Record<string, unknown>;
  @ApiProperty({ enum: [false], description: 'Always false: LLMHub stores no responses' }) store!: boolean;
  @ApiProperty({ format: 'uuid', description: 'LLMHub: the id of the call’s record' }) request_id!: string;
  @ApiProperty({ type: String, nullable: true, description: 'LLMHub: the model asked for, when a fallback or alias answered' }) requested_model!: string | null;
  @ApiProperty({ example: 1, description: 'LLMHub: provider attempts, retries and fallbacks included' }) attempts!: number;
}

/** OpenAI's answer to a deletion; LLMHub never gives it (nothing is stored), so the SDK's types stay whole. */
export class ResponseDeletedDto {
  @ApiProperty({ example: 'resp_0b6f3a57-5d3e-4c8e-9a57-2f1f4f6a9c10' }) id!: string;
  @ApiProperty({ enum: ['response'] }) object!: 'response';
  @ApiProperty({ enum: [true] }) deleted!: boolean;
}
