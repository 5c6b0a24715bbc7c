import type Anthropic from '@anthropic-ai/sdk';
import {
  CacheControl,
  CitedText,
  Citation,
  ChatMessage,
  ContentPart,
  DocumentPart,
  FinishReason,
  GenerateRequest,
  GenerateResult,
  ProviderError,
  ReasoningBlock,
  RefusalDetails,
  ResponseFormat,
  signedThinkingBlocks,
  StreamEvent,
  ThinkingSetting,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../llm-provider';
import { checkedUsage } from '../token-counts';
import { defaultMaxTokens } from './anthropic-output-limits';
import { notJsonAnswer } from '../upstream-text';

/** The turns this mapper produces (system text goes to the top-level `system`). */
type MessageParam = Anthropic.UserMessageParam | Anthropic.AssistantMessageParam;
type ContentBlockParam = Anthropic.ContentBlockParam;
type ImageBlockParam = Anthropic.ImageBlockParam;
type TextBlockParam = Anthropic.TextBlockParam;

const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

function textOf(content: string | ContentPart[]): string {
  return typeof content === 'string' ? content : content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
}

/** data: URLs become base64 sources, anything else a URL source. */
export function toImageBlock(url: string): ImageBlockParam {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match) return { type: 'image', source: { type: 'url', url } };
  const mediaType = match[1].toLowerCase();
  if (!IMAGE_MEDIA_TYPES.includes(mediaType as ImageMediaType)) {
    throw new ProviderError('bad_request', `Anthropic does not accept images of type ${mediaType}`);
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType as ImageMediaType, data: match[2] } };
}

function cacheOf(cacheControl: CacheControl | undefined): { cache_control?: Anthropic.CacheControlEphemeral } {
  return cacheControl ? { cache_control: { ...cacheControl } } : {};
}

function toContentBlocks(content: string | ContentPart[]): Array<TextBlockParam | ImageBlockParam | Anthropic.DocumentBlockParam> {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((part) => {
    if (part.type === 'text') return { type: 'text', text: part.text, ...cacheOf(part.cacheControl) };
    if (part.type === 'document') return { ...toDocumentBlock(part), ...cacheOf(part.cacheControl) };
    return { ...toImageBlock(part.url), ...cacheOf(part.cacheControl) };
  });
}

/** A document as Anthropic's document block: a base64 PDF, a PDF by URL, or plain text; its title and context. */
function toDocumentBlock(part: DocumentPart): Anthropic.DocumentBlockParam {
  const { source } = part;
  const block: Anthropic.DocumentBlockParam = {
    type: 'document',
    source:
      source.type === 'pdf'
        ? { type: 'base64', media_type: 'application/pdf', data: source.data }
        : source.type === 'pdf_url'
          ? { type: 'url', url: source.url }
          : { type: 'text', media_type: 'text/plain', data: source.text },
  };
  if (part.title !== undefined) block.title = part.title;
  if (part.context !== undefined) block.context = part.context;
  if (part.citations) block.citations = { enabled: true };
  return block;
}

function parseToolInput(call: ToolCall): Record<string, unknown> {
  if (call.arguments.trim() === '') return {};
  try {
    const input: unknown = JSON.parse(call.arguments);
    if (input && typeof input === 'object' && !Array.isArray(input)) return input as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  // refused before anything is sent (no status): the router says so, naming the messages
  throw new ProviderError(
    'bad_request',
    `tool call ${call.id} has arguments that are not a JSON object, and Anthropic takes a tool call's input only as one`,
    undefined,
    undefined,
    'messages',
  );
}

function toAnthropicMessage(message: ChatMessage): MessageParam {
  if (message.role === 'tool') {
    const block: Anthropic.ToolResultBlockParam = {
      type: 'tool_result',
      tool_use_id: message.toolCallId ?? '',
      content: toContentBlocks(message.content),
      ...cacheOf(message.cacheControl),
    };
    // the model reads a failed tool's answer as an error, not as its result
    if (message.isError) block.is_error = true;
    return { role: 'user', content: [block] };
  }
  if (message.role === 'assistant') {
    // thinking first, unchanged: Anthropic checks each block's signature, and their order; another
    // provider's reasoning (unsigned, answered as a thinking block with an empty signature) it would refuse
    const reasoning = message.reasoning ? signedThinkingBlocks(message.reasoning) : [];
    const blocks: ContentBlockParam[] = [...reasoning.map(toThinkingBlock), ...toContentBlocks(message.content)];
    for (const call of message.toolCalls ?? []) {
      blocks.push({ type: 'tool_use', id: call.id, name: call.name, input: parseToolInput(call), ...cacheOf(call.cacheControl) });
    }
    return { role: 'assistant', content: blocks };
  }
  return { role: 'user', content: typeof message.content === 'string' ? message.content : toContentBlocks(message.content) };
}

function toThinkingBlock(block: ReasoningBlock): Anthropic.ThinkingBlockParam | Anthropic.RedactedThinkingBlockParam {
  return block.type === 'thinking'
    ? { type: 'thinking', thinking: block.thinking, signature: block.signature }
    : { type: 'redacted_thinking', data: block.data };
}

/** The request's thinking setting as the Messages API takes it. */
export function toAnthropicThinking(thinking: ThinkingSetting): Anthropic.ThinkingConfigParam {
  const display = thinking.display ? { display: thinking.display } : {};
  switch (thinking.type) {
    case 'enabled':
      return { type: 'enabled', budget_tokens: thinking.budgetTokens ?? 0, ...display };
    case 'adaptive':
      return { type: 'adaptive', ...display };
    case 'between_tools':
      return { type: 'between_tools' };
    default:
      return { type: 'disabled' };
  }
}

function asBlocks(content: string | ContentBlockParam[]): ContentBlockParam[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** Consecutive turns of one role (several tool results, say) become one turn, as Anthropic expects. */
function mergeConsecutiveRoles(messages: MessageParam[]): MessageParam[] {
  const merged: MessageParam[] = [];
  for (const message of messages) {
    const last = merged[merged.length - 1];
    if (last && last.role === 'user' && message.role === 'user') {
      merged[merged.length - 1] = { role: 'user', content: [...asBlocks(last.content), ...asBlocks(message.content)] };
    } else if (last && last.role === 'assistant' && message.role === 'assistant') {
      merged[merged.length - 1] = { role: 'assistant', content: [...asBlocks(last.content), ...asBlocks(message.content)] };
    } else {
      merged.push(message);
    }
  }
  return merged;
}

export function toAnthropicTools(tools: ToolDefinition[]): Anthropic.Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    input_schema: { type: 'object', ...tool.parameters },
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
    ...cacheOf(tool.cacheControl),
  }));
}

/** `parallel: false` is disable_parallel_tool_use, which goes on the choice (auto when none was given); none takes no tools anyway. */
export function toAnthropicToolChoice(choice: ToolChoice | undefined, parallel?: boolean): Anthropic.ToolChoice | undefined {
  const serial = parallel === false ? { disable_parallel_tool_use: true } : {};
  if (choice === undefined) return parallel === false ? { type: 'auto', ...serial } : undefined;
  if (choice === 'auto') return { type: 'auto', ...serial };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...serial };
  return { type: 'tool', name: choice.name, ...serial };
}

/** The tool a json_object response_format gets: it has no name of its own. */
export const JSON_RESPONSE_TOOL = 'json_response';

const JSON_RESPONSE_DESCRIPTION = 'Give your whole answer with this tool: its input is your response, as JSON that follows the schema.';

/**
 * The Messages API has no response_format; a forced tool stands in for it, as established gateways do:
 * one tool whose input_schema is the schema (named after it; `json_response` for json_object, which
 * gets any object), and tool_choice naming it. The answer's tool input is then the answer's text
 * (fromAnthropicMessage, AnthropicStreamReader). With the caller's own tools, see withResponseFormat.
 */
export function toResponseFormatTool(format: ResponseFormat): Anthropic.Tool {
  if (format.type === 'json_object') {
    return { name: JSON_RESPONSE_TOOL, description: JSON_RESPONSE_DESCRIPTION, input_schema: { type: 'object', additionalProperties: true } };
  }
  const { name, description, schema, strict } = format.jsonSchema;
  return {
    name,
    description: description !== undefined ? `${JSON_RESPONSE_DESCRIPTION} ${description}` : JSON_RESPONSE_DESCRIPTION,
    input_schema: { type: 'object', ...schema },
    ...(typeof strict === 'boolean' ? { strict } : {}),
  };
}

/**
 * The format tool in a request's params. Alone, it is forced. Beside the caller's own tools the model
 * must use one of them all (tool_choice any): a call of one of the caller's tools is the answer's tool
 * call, as without response_format, and the format tool's input is the final answer's JSON text. A
 * tool_choice naming one of the caller's tools keeps it forced; `required` keeps the format tool out
 * (the turn must call one of the caller's tools); `none` leaves the format tool alone.
 */
function withResponseFormat(
  params: Anthropic.MessageCreateParamsNonStreaming,
  format: ResponseFormat,
  choice: ToolChoice | undefined,
  parallel?: boolean,
): void {
  const tool = toResponseFormatTool(format);
  const own = choice === 'none' ? [] : (params.tools ?? []);
  if (own.length === 0) {
    params.tools = [tool];
    params.tool_choice = { type: 'tool', name: tool.name };
    return;
  }
  if (own.some((t) => 'name' in t && t.name === tool.name)) {
    throw new ProviderError('bad_request', `A tool is named "${tool.name}", as the response_format's schema is: rename one of them`);
  }
  if (choice === 'required') return;
  params.tools = [...own, tool];
  if (typeof choice === 'object') return;
  params.tool_choice = { type: 'any', ...(parallel === false ? { disable_parallel_tool_use: true } : {}) };
}

/** The name of the tool standing in for the request's response_format, if it has one. */
export function responseFormatToolName(req: Pick<GenerateRequest, 'responseFormat'>): string | undefined {
  const format = req.responseFormat;
  if (format === undefined) return undefined;
  return format.type === 'json_object' ? JSON_RESPONSE_TOOL : format.jsonSchema.name;
}

/**
 * The request's system text and its inline system turns: one string, joined as
 * before, unless a part carries a cache breakpoint; then one block per part.
 */
function toAnthropicSystem(req: GenerateRequest): string | TextBlockParam[] | undefined {
  const inline = req.messages.filter((m) => m.role === 'system');
  const cached = inline.some((m) => typeof m.content !== 'string' && m.content.some((p) => p.cacheControl));
  if (!cached) {
    const texts = [req.system ?? '', ...inline.map((m) => textOf(m.content))].filter((t) => t !== '');
    return texts.length > 0 ? texts.join('\n\n') : undefined;
  }
  const blocks: TextBlockParam[] = req.system ? [{ type: 'text', text: req.system }] : [];
  for (const m of inline) blocks.push(...toContentBlocks(m.content).filter((b): b is TextBlockParam => b.type === 'text'));
  return blocks;
}

/**
 * GenerateRequest → a non-streaming Messages body; system messages (request-level
 * and inline) go to `system`. temperature and top_p are not sent: the Messages API
 * version this SDK speaks (anthropic-version 2026-10-21) no longer takes them.
 */
export function toAnthropicParams(req: GenerateRequest): Anthropic.MessageCreateParamsNonStreaming {
  const system = toAnthropicSystem(req);
  const messages = mergeConsecutiveRoles(req.messages.filter((m) => m.role !== 'system').map(toAnthropicMessage));

  const params: Anthropic.MessageCreateParamsNonStreaming = {
    model: req.model,
    // Anthropic requires it; without one, the model's own maximum (the OpenAI formats make it optional, uncapped)
    max_tokens: req.maxTokens ?? defaultMaxTokens(req.model, req.promptTokensEstimate, req.thinking?.type === 'enabled' ? req.thinking.budgetTokens : 0),
    messages,
  };
  if (system !== undefined) params.system = system;
  if (req.stop !== undefined && req.stop.length > 0) params.stop_sequences = req.stop;
  if (req.tools !== undefined && req.tools.length > 0) {
    params.tools = toAnthropicTools(req.tools);
    // Anthropic refuses a tool_choice without tools; without them auto and none change nothing (a forced one is refused earlier)
    const toolChoice = toAnthropicToolChoice(req.toolChoice, req.parallelToolCalls);
    if (toolChoice !== undefined) params.tool_choice = toolChoice;
  }
  if (req.responseFormat !== undefined) withResponseFormat(params, req.responseFormat, req.toolChoice, req.parallelToolCalls);
  if (req.cacheControl) params.cache_control = { ...req.cacheControl };
  if (req.thinking) params.thinking = toAnthropicThinking(req.thinking);
  return params;
}

export function toFinishReason(reason: Anthropic.StopReason | null | undefined): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** The usage fields the stream's events and a full message both carry (any of them may be null). */
export interface AnthropicUsageParts {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  /** the cache writes by TTL; cache_creation_input_tokens is their sum */
  cache_creation?: { ephemeral_5m_input_tokens?: number | null; ephemeral_1h_input_tokens?: number | null } | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

/**
 * Anthropic reports uncached input, cache reads and cache writes separately;
 * TokenUsage wants the total prompt with the cached parts as subsets, and the
 * 1-hour writes (billed dearer than 5-minute ones) as a subset of the writes.
 */
export function toTokenUsage(usage: AnthropicUsageParts): TokenUsage {
  if (typeof usage.input_tokens !== 'number' || typeof usage.output_tokens !== 'number') {
    throw new ProviderError('malformed', 'Anthropic reported usage without token counts');
  }
  const cacheRead = usage.cache_read_input_tokens ?? 0;
  const byTtl = usage.cache_creation;
  const write5m = byTtl?.ephemeral_5m_input_tokens ?? 0;
  const write1h = byTtl?.ephemeral_1h_input_tokens ?? 0;
  const cacheWrite = usage.cache_creation_input_tokens ?? write5m + write1h;
  const result: TokenUsage = { inputTokens: usage.input_tokens + cacheRead + cacheWrite, outputTokens: usage.output_tokens };
  if (cacheRead > 0) result.cachedInputTokens = cacheRead;
  if (cacheWrite > 0) result.cacheWriteTokens = cacheWrite;
  if (write1h > 0 && cacheWrite > 0) result.cacheWrite1hTokens = Math.min(write1h, cacheWrite);
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (thinking) result.reasoningTokens = thinking;
  return checkedUsage(result);
}

/** The stop_details of a refusal (`{type: "refusal", category, explanation}`); undefined for any other stop, or a shape not known. */
export function toRefusalDetails(stopReason: Anthropic.StopReason | null | undefined, details: unknown): RefusalDetails | undefined {
  if (stopReason !== 'refusal' || typeof details !== 'object' || details === null || (details as { type?: unknown }).type !== 'refusal') return undefined;
  const { category, explanation } = details as { category?: unknown; explanation?: unknown };
  return { category: typeof category === 'string' ? category : null, explanation: typeof explanation === 'string' ? explanation : null };
}

/** A forced response_format tool used is the answer's end, not a tool call: the caller asked for text. */
function toStructuredFinishReason(reason: Anthropic.StopReason | null | undefined): FinishReason {
  return reason === 'tool_use' ? 'stop' : toFinishReason(reason);
}

/**
 * A Message → GenerateResult. With `formatTool` (responseFormatToolName of the request) the input of
 * that tool's tool_use block is the answer's text, as JSON; text blocks beside it are not part of the
 * JSON and are dropped. A call of one of the caller's own tools (withResponseFormat) is a tool call.
 */
export function fromAnthropicMessage(message: Anthropic.Message, formatTool?: string): GenerateResult {
  const notJson = notJsonAnswer(message);
  if (notJson) throw notJson;
  if (!message || !Array.isArray(message.content)) throw new ProviderError('malformed', 'Anthropic answered without content');
  let text = '';
  let structured: string | undefined;
  const toolCalls: ToolCall[] = [];
  const reasoning: ReasoningBlock[] = [];
  const textBlocks: CitedText[] = [];
  let cited = false;
  for (const block of message.content) {
    if (block.type === 'text') {
      text += block.text;
      const citations = Array.isArray(block.citations) && block.citations.length > 0 ? (block.citations as unknown as Citation[]) : null;
      cited ||= citations !== null;
      textBlocks.push({ text: block.text, citations });
    } else if (block.type === 'thinking') reasoning.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
    else if (block.type === 'redacted_thinking') reasoning.push({ type: 'redacted_thinking', data: block.data });
    else if (block.type === 'tool_use' && formatTool !== undefined && block.name === formatTool) structured = JSON.stringify(block.input ?? {});
    else if (block.type === 'tool_use') toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
  }
  const refusalDetails = toRefusalDetails(message.stop_reason, message.stop_details);
  if (formatTool !== undefined && toolCalls.length === 0) {
    return {
      text: structured ?? text,
      ...(reasoning.length > 0 ? { reasoning } : {}),
      finishReason: toStructuredFinishReason(message.stop_reason),
      ...(refusalDetails ? { refusalDetails } : {}),
      usage: message.usage ? toTokenUsage(message.usage) : null,
      model: message.model,
    };
  }
  return {
    // beside the caller's tool calls, the format tool's JSON (as a stream gives it) and not the text blocks
    text: formatTool !== undefined ? (structured ?? '') : text,
    // the text blocks as Claude split them, when it cited a document in them
    ...(cited && formatTool === undefined ? { citedText: textBlocks } : {}),
    ...(reasoning.length > 0 ? { reasoning } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    finishReason: toFinishReason(message.stop_reason),
    // which of the request's stop_sequences matched: /v1/messages answers it as Anthropic does
    ...(message.stop_reason === 'stop_sequence' && typeof message.stop_sequence === 'string' ? { stopSequence: message.stop_sequence } : {}),
    // why Claude refused: /v1/messages passes it on as its stop_details
    ...(refusalDetails ? { refusalDetails } : {}),
    usage: message.usage ? toTokenUsage(message.usage) : null,
    model: message.model,
  };
}

/**
 * Folds a stream's events into StreamEvents. Usage is split across events:
 * message_start has the input side, message_delta the (cumulative) output.
 * With `formatTool` (responseFormatToolName of the request) that tool's
 * input_json_delta pieces are the answer's text deltas, and text blocks are
 * dropped, as fromAnthropicMessage does; the caller's own tools stay tool calls.
 */
export class AnthropicStreamReader {
  constructor(private readonly formatTool?: string) {}

  private usage: AnthropicUsageParts = {};
  private sawUsage = false;
  private stopReason: Anthropic.StopReason | null = null;
  private stopSequence: string | null = null;
  private stopDetails: unknown = null;
  /** content block index → tool call index, for tool_use blocks */
  private readonly toolIndexByBlock = new Map<number, number>();
  /** content block indexes of the response_format tool's tool_use blocks */
  private readonly formatBlocks = new Set<number>();
  /** content block indexes of text blocks that cite a document */
  private readonly citedBlocks = new Set<number>();
  stopped = false;
  private startReported = false;

  read(event: Anthropic.RawMessageStreamEvent): StreamEvent[] {
    const out = this.translate(event);
    if (out.length > 0 && !this.startReported) {
      this.startReported = true;
      // after the first delta, so that the first event stays the answer's (retries and time to first token go by it)
      const start = this.startUsage();
      if (start) out.push({ type: 'usage', usage: start, partial: true });
    }
    return out;
  }

  /** The usage message_start reported (the prompt, cache reads and writes), if it gave the prompt's size. */
  private startUsage(): TokenUsage | undefined {
    if (typeof this.usage.input_tokens !== 'number') return undefined;
    try {
      return toTokenUsage({ ...this.usage, output_tokens: this.usage.output_tokens ?? 0 });
    } catch {
      // counts that are not counts: the final usage says so, if the stream gets that far
      return undefined;
    }
  }

  private translate(event: Anthropic.RawMessageStreamEvent): StreamEvent[] {
    switch (event.type) {
      case 'message_start':
        this.absorbUsage(event.message.usage);
        return [];
      case 'content_block_start':
        if (this.formatTool !== undefined && event.content_block.type === 'tool_use' && event.content_block.name === this.formatTool) {
          this.formatBlocks.add(event.index);
          return [];
        }
        if (event.content_block.type === 'tool_use') {
          const index = this.toolIndexByBlock.size;
          this.toolIndexByBlock.set(event.index, index);
          return [{ type: 'tool_call_delta', index, id: event.content_block.id, name: event.content_block.name }];
        }
        if (this.formatTool === undefined && event.content_block.type === 'text') return this.textStart(event.index, event.content_block);
        if (event.content_block.type === 'thinking') return this.thinkingStart(event.content_block);
        if (event.content_block.type === 'redacted_thinking') return [{ type: 'redacted_thinking', data: event.content_block.data }];
        return [];
      case 'content_block_delta':
        if (this.formatBlocks.has(event.index)) {
          const json = event.delta.type === 'input_json_delta' ? event.delta.partial_json : '';
          return json ? [{ type: 'text', text: json }] : [];
        }
        if (event.delta.type === 'thinking_delta') return event.delta.thinking ? [{ type: 'thinking', text: event.delta.thinking }] : [];
        if (event.delta.type === 'signature_delta') return [{ type: 'thinking_signature', signature: event.delta.signature }];
        if (event.delta.type === 'text_delta') return event.delta.text && this.formatTool === undefined ? [{ type: 'text', text: event.delta.text }] : [];
        if (event.delta.type === 'citations_delta' && this.formatTool === undefined) {
          this.citedBlocks.add(event.index);
          return [{ type: 'citation', citation: event.delta.citation as unknown as Citation }];
        }
        if (event.delta.type === 'input_json_delta') {
          const index = this.toolIndexByBlock.get(event.index);
          if (index === undefined || !event.delta.partial_json) return [];
          return [{ type: 'tool_call_delta', index, argumentsDelta: event.delta.partial_json }];
        }
        return [];
      case 'content_block_stop':
        return this.citedBlocks.has(event.index) ? [{ type: 'cited_text_end' }] : [];
      case 'message_delta':
        this.stopReason = event.delta.stop_reason ?? this.stopReason;
        this.stopSequence = event.delta.stop_sequence ?? this.stopSequence;
        this.stopDetails = event.delta.stop_details ?? this.stopDetails;
        this.absorbUsage(event.usage);
        return [];
      case 'message_stop':
        this.stopped = true;
        return [];
      default:
        return [];
    }
  }

  /** A text block's start: the citations and text it brings already (the deltas usually bring them). */
  private textStart(index: number, block: Anthropic.TextBlock): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (Array.isArray(block.citations) && block.citations.length > 0) {
      this.citedBlocks.add(index);
      for (const citation of block.citations) out.push({ type: 'citation', citation: citation as unknown as Citation });
    }
    if (block.text) out.push({ type: 'text', text: block.text });
    return out;
  }

  /** A thinking block's start: its text and signature, when it brings them already (the deltas usually do). */
  private thinkingStart(block: Anthropic.ThinkingBlock): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (block.thinking) out.push({ type: 'thinking', text: block.thinking });
    if (block.signature) out.push({ type: 'thinking_signature', signature: block.signature });
    return out;
  }

  /** The closing events, once message_stop has arrived. */
  finish(): StreamEvent[] {
    const events: StreamEvent[] = [];
    if (this.sawUsage) events.push({ type: 'usage', usage: toTokenUsage(this.usage) });
    // the format tool used is the answer's end; a call of the caller's own tool is a tool call
    const structured = this.formatTool !== undefined && this.toolIndexByBlock.size === 0;
    const finishReason = structured ? toStructuredFinishReason(this.stopReason) : toFinishReason(this.stopReason);
    const refusalDetails = toRefusalDetails(this.stopReason, this.stopDetails);
    events.push(
      this.stopReason === 'stop_sequence' && this.stopSequence !== null
        ? { type: 'finish', finishReason, stopSequence: this.stopSequence }
        : refusalDetails
          ? { type: 'finish', finishReason, refusalDetails }
          : { type: 'finish', finishReason },
    );
    return events;
  }

  private absorbUsage(parts: AnthropicUsageParts | null | undefined): void {
    if (!parts) return;
    this.sawUsage = true;
    // later events repeat or refine earlier numbers; a null never erases a number already seen
    for (const key of ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'] as const) {
      const value = parts[key];
      if (typeof value === 'number') this.usage[key] = value;
    }
    if (parts.output_tokens_details) this.usage.output_tokens_details = parts.output_tokens_details;
    if (parts.cache_creation) this.usage.cache_creation = parts.cache_creation;
  }
}
