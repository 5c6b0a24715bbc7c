import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTokenLogprob,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type { ResponseFormatJSONObject, ResponseFormatJSONSchema } from 'openai/resources/shared';
import type { CompletionUsage } from 'openai/resources/completions';
import type { CreateEmbeddingResponse, EmbeddingCreateParams } from 'openai/resources/embeddings';
import type { ImageGenerateParamsNonStreaming, ImagesResponse } from 'openai/resources/images';
import { checkedUsage, tokenCount } from '../token-counts';
import { notJsonAnswer } from '../upstream-text';
import {
  ChatMessage,
  ChoiceFinish,
  ContentPart,
  DocumentPart,
  EmbeddingRequest,
  EmbeddingResult,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  GeneratedChoice,
  ImageRequest,
  ImageResult,
  Logprobs,
  OutputTokenLogprob,
  ProviderError,
  ResponseFormat,
  StreamEvent,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../llm-provider';

/** Which body field carries the output cap: reasoning models reject `max_tokens`. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/** The text parts of a content, joined by `separator`. */
export function textOf(content: string | ContentPart[], separator = ''): string {
  if (typeof content === 'string') return content;
  return content
    .filter((part): part is Extract<ContentPart, { type: 'text' }> => part.type === 'text')
    .map((part) => part.text)
    .join(separator);
}

function toContentParts(content: string | ContentPart[]): string | ChatCompletionContentPart[] {
  if (typeof content === 'string') return content;
  return content.map((part): ChatCompletionContentPart => {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'document') return toFilePart(part);
    return { type: 'image_url', image_url: part.detail ? { url: part.url, detail: part.detail } : { url: part.url } };
  });
}

/**
 * A document as a chat message takes it: a PDF as a file part (its data as a data: URL, as OpenAI reads
 * it), plain text as a text part under its title. A PDF by URL has no such part: refused before anything
 * is sent, naming the messages, rather than sent without the document.
 */
function toFilePart(part: DocumentPart): ChatCompletionContentPart {
  const { source } = part;
  if (source.type === 'text') return { type: 'text', text: part.title ? `${part.title}\n\n${source.text}` : source.text };
  if (source.type === 'pdf_url') {
    throw new ProviderError(
      'bad_request',
      'OpenAI-shaped providers take a PDF as data, not by URL: send it base64 (file_data, or a base64 document source)',
      undefined,
      undefined,
      'messages',
    );
  }
  return { type: 'file', file: { file_data: `data:application/pdf;base64,${source.data}`, filename: part.title ?? 'document.pdf' } };
}

/** What a failed tool's result is, or starts with (`Error: …`), on OpenAI-shaped providers, whose tool messages have no is_error. */
export const TOOL_ERROR = 'Error';

/**
 * A tool result's text. A failed tool (Anthropic's tool_result is_error) says so in the text itself, the one place
 * an OpenAI-shaped tool message can: dropped, the model would read the error as the tool's answer.
 */
function toolResultText(message: ChatMessage): string {
  const text = textOf(message.content);
  if (!message.isError) return text;
  return text === '' ? TOOL_ERROR : `${TOOL_ERROR}: ${text}`;
}

export function toChatMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      // parts here are Anthropic system blocks kept apart for their cache breakpoints: separate paragraphs, as Anthropic reads them
      return { role: 'system', content: textOf(message.content, '\n\n') };
    case 'user':
      return { role: 'user', content: toContentParts(message.content), ...(message.name ? { name: message.name } : {}) };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: toolResultText(message) };
    case 'assistant': {
      const text = textOf(message.content);
      const toolCalls = message.toolCalls ?? [];
      return {
        role: 'assistant',
        content: text === '' && toolCalls.length > 0 ? null : text,
        ...(toolCalls.length > 0
          ? { tool_calls: toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })) }
          : {}),
      };
    }
  }
}

/**
 * The conversation without Anthropic's thinking, which OpenAI-shaped providers have no place for: a turn
 * split where thinking came between its blocks is one turn again, and a turn that was only thinking is left out.
 */
function withoutThinking(messages: ChatMessage[]): ChatMessage[] {
  if (!messages.some((m) => m.reasoning !== undefined || m.continues)) return messages;
  const out: ChatMessage[] = [];
  for (const message of messages) {
    const previous = out[out.length - 1];
    if (message.continues && previous?.role === 'assistant') {
      const toolCalls = [...(previous.toolCalls ?? []), ...(message.toolCalls ?? [])];
      out[out.length - 1] = { role: 'assistant', content: textOf(previous.content) + textOf(message.content), ...(toolCalls.length > 0 ? { toolCalls } : {}) };
    } else if (message.role !== 'assistant' || textOf(message.content) !== '' || message.toolCalls?.length || message.reasoning === undefined) {
      out.push(message);
    }
  }
  return out;
}

export function toChatTools(tools: ToolDefinition[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: 'function',
    function: {
      name: tool.name,
      parameters: tool.parameters,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    },
  }));
}

export function toChatToolChoice(choice: ToolChoice): ChatCompletionToolChoiceOption {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

/** GenerateRequest → a non-streaming chat.completions body (the stream adds `stream` and `stream_options`). */
export function toChatCompletionParams(req: GenerateRequest, maxTokensField: MaxTokensField = 'max_tokens'): ChatCompletionCreateParamsNonStreaming {
  const messages: ChatCompletionMessageParam[] = [];
  if (req.system !== undefined && req.system !== '') messages.push({ role: 'system', content: req.system });
  messages.push(...withoutThinking(req.messages).map(toChatMessage));

  const params: ChatCompletionCreateParamsNonStreaming = { model: req.model, messages };
  if (req.maxTokens !== undefined) params[maxTokensField] = req.maxTokens;
  if (req.temperature !== undefined) params.temperature = req.temperature;
  if (req.topP !== undefined) params.top_p = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) params.stop = req.stop;
  if (req.tools !== undefined && req.tools.length > 0) params.tools = toChatTools(req.tools);
  // OpenAI refuses tool_choice without tools; without them auto and none change nothing (a forced one is refused earlier)
  if (req.toolChoice !== undefined && params.tools) params.tool_choice = toChatToolChoice(req.toolChoice);
  // OpenAI refuses parallel_tool_calls without tools
  if (req.parallelToolCalls === false && params.tools) params.parallel_tool_calls = false;
  if (req.responseFormat !== undefined) params.response_format = toResponseFormat(req.responseFormat);
  if (req.logprobs) {
    params.logprobs = true;
    if (req.topLogprobs !== undefined) params.top_logprobs = req.topLogprobs;
  }
  if (req.n !== undefined && req.n > 1) params.n = req.n;
  // as sent: Groq's `default` is no OpenAI value, and the model says which it takes
  if (req.reasoningEffort !== undefined) params.reasoning_effort = req.reasoningEffort as ChatCompletionCreateParamsNonStreaming['reasoning_effort'];
  if (req.verbosity !== undefined) params.verbosity = req.verbosity;
  // Groq's own fields, which the OpenAI SDK's types do not have
  if (req.reasoningFormat !== undefined) Object.assign(params, { reasoning_format: req.reasoningFormat });
  if (req.includeReasoning !== undefined) Object.assign(params, { include_reasoning: req.includeReasoning });
  return params;
}

export function toResponseFormat(format: ResponseFormat): ResponseFormatJSONObject | ResponseFormatJSONSchema {
  if (format.type === 'json_object') return { type: 'json_object' };
  const { name, description, schema, strict } = format.jsonSchema;
  return {
    type: 'json_schema',
    json_schema: {
      name,
      ...(description !== undefined ? { description } : {}),
      ...(schema !== undefined ? { schema } : {}),
      ...(strict !== undefined ? { strict } : {}),
    },
  };
}

function toTokenLogprobs(entries: ChatCompletionTokenLogprob[] | null | undefined): OutputTokenLogprob[] | null {
  if (!Array.isArray(entries)) return null;
  return entries.map((e) => ({
    token: e.token,
    logprob: e.logprob,
    bytes: e.bytes ?? null,
    topLogprobs: (e.top_logprobs ?? []).map((t) => ({ token: t.token, logprob: t.logprob, bytes: t.bytes ?? null })),
  }));
}

/** A choice's logprobs ({content, refusal}), or undefined when it carries none. */
export function toLogprobs(logprobs: ChatCompletion.Choice.Logprobs | null | undefined): Logprobs | undefined {
  if (!logprobs) return undefined;
  return { content: toTokenLogprobs(logprobs.content), refusal: toTokenLogprobs(logprobs.refusal) };
}

export function toFinishReason(reason: string | null | undefined): FinishReason {
  switch (reason) {
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** prompt_tokens already counts cached tokens, which matches TokenUsage's convention. */
export function toTokenUsage(usage: CompletionUsage): TokenUsage {
  if (typeof usage.prompt_tokens !== 'number' || typeof usage.completion_tokens !== 'number') {
    throw new ProviderError('malformed', 'The provider reported usage without token counts');
  }
  const result: TokenUsage = { inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens };
  const cached = usage.prompt_tokens_details?.cached_tokens;
  if (cached) result.cachedInputTokens = cached;
  const reasoning = usage.completion_tokens_details?.reasoning_tokens;
  if (reasoning) result.reasoningTokens = reasoning;
  return checkedUsage(result);
}

function fromChoice(choice: ChatCompletion.Choice): GeneratedChoice {
  if (!choice?.message) throw new ProviderError('malformed', 'The provider answered a choice without a message');
  const toolCalls: ToolCall[] = (choice.message.tool_calls ?? []).flatMap((call) =>
    call.type === 'function' ? [{ id: call.id, name: call.function.name, arguments: call.function.arguments }] : [],
  );
  const logprobs = toLogprobs(choice.logprobs);
  const refusal = choice.message.refusal;
  const reasoning = reasoningOf(choice.message);
  return {
    text: choice.message.content ?? '',
    ...(reasoning ? { reasoning: [{ type: 'thinking', thinking: reasoning, signature: '' }] } : {}),
    // structured outputs: the model declined, and says why here instead of in content
    ...(typeof refusal === 'string' && refusal !== '' ? { refusal } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    finishReason: toFinishReason(choice.finish_reason),
    ...(logprobs ? { logprobs } : {}),
  };
}

/**
 * A reasoning model's reasoning as OpenAI-shaped servers answer it beside the content: Groq's `reasoning`,
 * or `reasoning_content` (vLLM, DeepSeek and other local servers). OpenAI's own answers carry none.
 */
function reasoningOf(part: object): string | undefined {
  const { reasoning, reasoning_content } = part as { reasoning?: unknown; reasoning_content?: unknown };
  if (typeof reasoning === 'string' && reasoning !== '') return reasoning;
  return typeof reasoning_content === 'string' && reasoning_content !== '' ? reasoning_content : undefined;
}

/**
 * The first choice, and with n > 1 the others in index order. A server that ignores `n` answers one
 * choice: that is what the call produced and what its usage counts, so it is answered as it came.
 */
export function fromChatCompletion(completion: ChatCompletion): GenerateResult {
  const notJson = notJsonAnswer(completion);
  if (notJson) throw notJson;
  const choices = completion?.choices;
  if (!Array.isArray(choices) || choices.length === 0) throw new ProviderError('malformed', 'The provider answered without a choice');
  const ordered = choices.length === 1 ? choices : [...choices].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
  const result: GenerateResult = {
    ...fromChoice(ordered[0]),
    usage: completion.usage ? toTokenUsage(completion.usage) : null,
    model: completion.model,
  };
  if (ordered.length > 1) result.extraChoices = ordered.slice(1).map(fromChoice);
  return result;
}

/** What one streamed chunk contributes: deltas to emit now, and the finish reasons / usage it carries. */
export interface ChunkReading {
  events: StreamEvent[];
  /** the first choice's */
  finishReason?: FinishReason;
  /** the other choices' (n > 1) */
  otherFinishes?: ChoiceFinish[];
  usage?: TokenUsage;
}

/**
 * Reads one chunk. The final chunk may carry usage AND a choice (some servers
 * put both in one chunk), so both are read independently. With n > 1 a chunk
 * carries deltas of any choice (usually one); each event names its choice when
 * it is not the first, so the choices are never merged.
 */
export function readChatChunk(chunk: ChatCompletionChunk): ChunkReading {
  if (!chunk || typeof chunk !== 'object') throw new ProviderError('malformed', 'The provider sent an empty stream chunk');
  const reading: ChunkReading = { events: [] };
  for (const choice of chunk.choices ?? []) readChunkChoice(choice, reading);
  if (chunk.usage) reading.usage = toTokenUsage(chunk.usage);
  return reading;
}

/** Written out per case: the usual event (first choice, no logprobs) is one small object on the hot path. */
function textEvent(text: string, logprobs: OutputTokenLogprob[] | null, choice: number | undefined): StreamEvent {
  if (choice === undefined) return logprobs ? { type: 'text', text, logprobs } : { type: 'text', text };
  return logprobs ? { type: 'text', text, logprobs, choice } : { type: 'text', text, choice };
}

function readChunkChoice(choice: ChatCompletionChunk.Choice, reading: ChunkReading): void {
  const index = choice.index ?? 0;
  // the first choice's events have no `choice`, as before n was taken
  const of = index === 0 ? undefined : index;
  const delta = choice.delta ?? {};
  // logprobs come with the text they score (only when asked for: otherwise null)
  const logprobs = choice.logprobs ? toTokenLogprobs(choice.logprobs.content) : null;
  // the first choice's reasoning, before its content (the others' is not kept: a stream's events carry one reasoning)
  if (of === undefined && ('reasoning' in delta || 'reasoning_content' in delta)) {
    const reasoning = reasoningOf(delta);
    if (reasoning) reading.events.push({ type: 'thinking', text: reasoning });
  }
  if (typeof delta.content === 'string' && (delta.content !== '' || (logprobs !== null && logprobs.length > 0))) {
    reading.events.push(textEvent(delta.content, logprobs, of));
  }
  if (typeof delta.refusal === 'string' && delta.refusal !== '') {
    const refusalLogprobs = choice.logprobs ? toTokenLogprobs(choice.logprobs.refusal) : null;
    reading.events.push({
      type: 'refusal',
      text: delta.refusal,
      ...(refusalLogprobs ? { logprobs: refusalLogprobs } : {}),
      ...(of !== undefined ? { choice: of } : {}),
    });
  }
  for (const call of delta.tool_calls ?? []) {
    reading.events.push({
      type: 'tool_call_delta',
      index: call.index,
      ...(call.id ? { id: call.id } : {}),
      ...(call.function?.name ? { name: call.function.name } : {}),
      ...(call.function?.arguments ? { argumentsDelta: call.function.arguments } : {}),
      ...(of !== undefined ? { choice: of } : {}),
    });
  }
  if (!choice.finish_reason) return;
  const finishReason = toFinishReason(choice.finish_reason);
  if (of === undefined) reading.finishReason = finishReason;
  else (reading.otherFinishes ??= []).push({ choice: of, finishReason });
}

export function toEmbeddingParams(req: EmbeddingRequest): EmbeddingCreateParams {
  // float explicitly: the openai SDK otherwise asks for base64, which local servers often lack
  return { model: req.model, input: req.input, encoding_format: 'float', ...(req.dimensions !== undefined ? { dimensions: req.dimensions } : {}) };
}

export function fromEmbeddingResponse(res: CreateEmbeddingResponse): EmbeddingResult {
  const notJson = notJsonAnswer(res);
  if (notJson) throw notJson;
  if (!Array.isArray(res?.data)) throw new ProviderError('malformed', 'The provider answered embeddings without data');
  const vectors = [...res.data].sort((a, b) => a.index - b.index).map((item) => item.embedding);
  return { vectors, usage: res.usage ? { inputTokens: tokenCount(res.usage.prompt_tokens, 'usage.prompt_tokens') } : null, model: res.model };
}

export function toImageParams(req: ImageRequest): ImageGenerateParamsNonStreaming {
  return {
    model: req.model,
    prompt: req.prompt,
    n: req.n,
    size: req.size,
    quality: req.quality as ImageGenerateParamsNonStreaming['quality'],
    ...(req.responseFormat ? { response_format: req.responseFormat } : {}),
    ...(req.options?.style ? { style: req.options.style } : {}),
    ...(req.options?.background ? { background: req.options.background } : {}),
    ...(req.options?.outputFormat ? { output_format: req.options.outputFormat } : {}),
    ...(req.options?.outputCompression !== undefined ? { output_compression: req.options.outputCompression } : {}),
    ...(req.options?.moderation ? { moderation: req.options.moderation } : {}),
  };
}

export function fromImagesResponse(res: ImagesResponse): ImageResult {
  const notJson = notJsonAnswer(res);
  if (notJson) throw notJson;
  if (!Array.isArray(res?.data)) throw new ProviderError('malformed', 'The provider answered the image request without data');
  return {
    images: res.data.map((image) => ({
      ...(image.url ? { url: image.url } : {}),
      ...(image.b64_json ? { b64Json: image.b64_json } : {}),
      ...(image.revised_prompt ? { revisedPrompt: image.revised_prompt } : {}),
    })),
    usage: res.usage ? checkedUsage({ inputTokens: res.usage.input_tokens, outputTokens: res.usage.output_tokens }) : null,
  };
}
