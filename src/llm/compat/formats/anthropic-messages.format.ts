import type { GenerationOutcome, StreamStart, StreamSummary, TemplateInput } from '../../generation/generation.types';
import {
  CacheControl,
  ChatMessage,
  ContentPart,
  DocumentPart,
  FinishReason,
  GenerateRequest,
  ReasoningBlock,
  RefusalDetails,
  StreamEvent,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../providers/llm-provider';
import { base64ImageProblem, BodyReader, imageUrlProblem, isObject, Json, MAX_OUTPUT_TOKENS, readTemplate } from './body-reader';
import { documentUrlProblem, pdfDataProblem, documentPart } from './document-parts';
import { checkThinkingOptions, readThinking, readThinkingBlock, thinkingBlockJson } from './thinking-fields';
import { ANTHROPIC_TOOL_NAME, checkToolName, checkToolSchema, checkToolSet } from './tool-checks';

/** A /v1/messages body, read into the neutral shape. */
export interface ParsedMessagesRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  params: Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP' | 'stop' | 'tools' | 'toolChoice' | 'parallelToolCalls' | 'cacheControl' | 'thinking'>;
  stream: boolean;
  template?: TemplateInput;
  variables?: Record<string, unknown>;
  fallbacks?: string[];
  metadata?: Record<string, unknown>;
}

/** The prompt part of a Messages body, shared by /v1/messages and /v1/messages/count_tokens. */
export interface ParsedPrompt {
  model: string;
  system?: string;
  messages: ChatMessage[];
  params: Pick<GenerateRequest, 'tools' | 'toolChoice' | 'parallelToolCalls' | 'cacheControl'>;
}

/**
 * Accepted and ignored: top_k, service_tier, container, mcp_servers absent, metadata.user_id
 * (kept as metadata). Refused with a 400 naming them: server tools, search results in
 * content, and the OpenAI spellings stop, response_format, n > 1 and logprobs. Documents (a PDF as
 * base64 or by URL, plain text) in user turns reach the providers that read them; with citations
 * enabled, only Anthropic, whose cited text blocks are answered as it split them.
 * cache_control (on the request, system, content blocks and tools) and thinking (and the thinking
 * blocks of earlier assistant turns) reach Anthropic; other providers cache on their own, and
 * refuse thinking on.
 */
export function parseMessagesRequest(body: unknown): ParsedMessagesRequest {
  const r = BodyReader.of(body);
  const template = readTemplate(r);
  const prompt = readPrompt(r, template === undefined);
  const maxTokens = r.number('max_tokens', { integer: true, min: 1, max: MAX_OUTPUT_TOKENS, required: true });
  const thinking = readThinking(r, maxTokens);
  checkThinkingOptions(r, thinking, { toolChoice: prompt.params.toolChoice });
  // accepted and ignored, but what Anthropic takes
  r.number('top_k', { integer: true, min: 0 });
  const temperature = r.number('temperature', { min: 0, max: 1 });
  const topP = r.number('top_p', { min: 0, max: 1 });
  const stop = r.stringList('stop_sequences');
  const stream = r.boolean('stream') ?? false;
  const variables = r.object('variables');
  const fallbacks = r.stringList('fallbacks', { max: 10 });
  const metadata = r.metadata('metadata');
  rejectOpenAiFields(r);
  r.done();
  return {
    ...prompt,
    params: {
      maxTokens,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(stop && stop.length > 0 ? { stop } : {}),
      ...(thinking ? { thinking } : {}),
      ...prompt.params,
    },
    stream,
    ...(template ? { template } : {}),
    ...(variables ? { variables } : {}),
    ...(fallbacks ? { fallbacks } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

/**
 * The OpenAI chat completions spellings that would silently change the answer if dropped (the stop
 * sequences lost, text where JSON or several answers were asked for): a 400 naming each.
 */
function rejectOpenAiFields(r: BodyReader): void {
  const elsewhere = '/v1/chat/completions takes it';
  if (r.has('stop')) r.unsupported('stop', 'use stop_sequences (stop is /v1/chat/completions’)');
  if (r.has('response_format')) r.unsupported('response_format', `not a Messages field: ask for JSON with a tool, or ${elsewhere}`);
  if (typeof r.body.n === 'number' && r.body.n !== 1) r.unsupported('n', `the Messages API answers one message per call; ${elsewhere}`);
  if (r.body.logprobs === true) r.unsupported('logprobs', `the Messages API has no logprobs; ${elsewhere}`);
}

/** A /v1/messages/count_tokens body: the prompt of a Messages body, without max_tokens. */
export function parseCountTokensRequest(body: unknown): ParsedPrompt {
  const r = BodyReader.of(body);
  const prompt = readPrompt(r, true);
  // what thinking would spend is output, not prompt: checked, and not part of the count
  readThinking(r, undefined);
  // a template's text would be counted as absent: say so rather than answer a wrong count
  if (r.has('template')) r.unsupported('template', 'count_tokens counts the messages as sent; templates are not rendered here');
  r.done();
  return prompt;
}

/** model, system, messages, tools, tool_choice and the request's cache_control (problems are collected in `r`). */
function readPrompt(r: BodyReader, messagesRequired: boolean): ParsedPrompt {
  const model = r.string('model', { required: true, max: 200 });
  const system = readSystem(r);
  const messages = readMessages(r, messagesRequired) ?? [];
  const tools = readTools(r);
  const toolChoice = readToolChoice(r);
  checkToolSet(r, tools, toolChoice?.choice, { name: (i) => `tools[${i}].name`, choice: 'tool_choice', required: '{type: "any"}' });
  const cacheControl = readCacheControl(r, r.body.cache_control, 'cache_control');
  if (r.has('mcp_servers')) r.unsupported('mcp_servers', 'MCP servers are not supported');
  return {
    model: model!,
    ...(typeof system === 'string' && system !== '' ? { system } : {}),
    // system blocks with cache breakpoints travel as a leading system turn, which keeps them apart
    messages: system !== undefined && typeof system !== 'string' ? [system, ...messages] : messages,
    params: {
      ...(tools !== undefined ? { tools } : {}),
      ...(toolChoice?.choice !== undefined ? { toolChoice: toolChoice.choice } : {}),
      ...(toolChoice?.parallel === false ? { parallelToolCalls: false } : {}),
      ...(cacheControl ? { cacheControl } : {}),
    },
  };
}

/**
 * A string, or text blocks: joined into one string as before, unless a block
 * carries cache_control, in which case the blocks stay blocks (a system turn).
 */
function readSystem(r: BodyReader): string | ChatMessage | undefined {
  const value = r.body.system;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (!Array.isArray(value) || !value.every((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string')) {
    return r.problem('system', 'expected a string or an array of text blocks');
  }
  const blocks = value as { text: string; cache_control?: unknown }[];
  const parts = blocks.map((b, i): ContentPart => textPart(b.text, readCacheControl(r, b.cache_control, `system[${i}].cache_control`)));
  if (!parts.some((p) => p.cacheControl)) return blocks.map((b) => b.text).join('\n\n');
  return { role: 'system', content: parts };
}

/** `{type: "ephemeral", ttl?: "5m" | "1h"}`, as Anthropic takes it. */
function readCacheControl(r: BodyReader, value: unknown, field: string): CacheControl | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObject(value) && value.type === 'ephemeral' && (value.ttl === undefined || value.ttl === '5m' || value.ttl === '1h')) {
    return value.ttl === undefined ? { type: 'ephemeral' } : { type: 'ephemeral', ttl: value.ttl };
  }
  return r.problem(field, 'expected {type: "ephemeral", ttl?: "5m" | "1h"}');
}

function textPart(text: string, cacheControl: CacheControl | undefined): ContentPart {
  return cacheControl ? { type: 'text', text, cacheControl } : { type: 'text', text };
}

function readMessages(r: BodyReader, required: boolean): ChatMessage[] | undefined {
  return r.messageList(required, (raw, at) => readMessage(r, raw, at));
}

/** One Anthropic turn may hold text, images, tool calls and tool results: it becomes one or more neutral messages. */
function readMessage(r: BodyReader, raw: unknown, at: string): ChatMessage[] {
  if (!isObject(raw) || (raw.role !== 'user' && raw.role !== 'assistant')) {
    r.problem(`${at}.role`, 'expected user or assistant');
    return [];
  }
  const role = raw.role;
  if (typeof raw.content === 'string') return [{ role, content: raw.content }];
  if (!Array.isArray(raw.content)) {
    r.problem(`${at}.content`, 'expected a string or an array of content blocks');
    return [];
  }
  // dropped, the turn would vanish from the conversation (and a lone one read as no messages at all)
  if (raw.content.length === 0 && role === 'user') {
    r.problem(`${at}.content`, 'a user turn needs at least one content block');
    return [];
  }
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  const toolResults: ChatMessage[] = [];
  // an assistant turn's content as Anthropic gave it: thinking before text and tool calls, unless
  // thinking came between them, which a turn of its own keeps in place (the provider merges turns back)
  const assistantTurns: ChatMessage[] = [];
  let reasoning: ReasoningBlock[] = [];
  const closeTurn = (): void => {
    if (parts.length > 0 || toolCalls.length > 0 || reasoning.length > 0) {
      assistantTurns.push(assistantTurn(flatten(parts.splice(0)), toolCalls.splice(0), reasoning, assistantTurns.length > 0));
      reasoning = [];
    }
  };
  for (const [i, block] of raw.content.entries()) {
    const where = `${at}.content[${i}]`;
    if (!isObject(block)) {
      r.problem(where, 'expected a content block');
      continue;
    }
    switch (block.type) {
      case 'text':
      case 'image':
      case 'document': {
        if (block.type === 'image' && role !== 'user') r.problem(`${where}.source`, 'expected a base64 or url image source in a user turn');
        else if (block.type === 'document' && role !== 'user') r.problem(`${where}.type`, 'a document belongs in a user turn');
        else {
          const part = readPart(r, block, where);
          if (part) parts.push(part);
        }
        break;
      }
      case 'tool_use': {
        const cacheControl = readCacheControl(r, block.cache_control, `${where}.cache_control`);
        if (role !== 'assistant' || typeof block.id !== 'string' || typeof block.name !== 'string')
          r.problem(where, 'tool_use needs id and name, in an assistant turn');
        else toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}), ...(cacheControl ? { cacheControl } : {}) });
        break;
      }
      case 'tool_result': {
        const cacheControl = readCacheControl(r, block.cache_control, `${where}.cache_control`);
        if (role !== 'user' || typeof block.tool_use_id !== 'string') r.problem(where, 'tool_result needs tool_use_id, in a user turn');
        else
          toolResults.push({
            role: 'tool',
            toolCallId: block.tool_use_id,
            content: readToolResultContent(r, block.content, `${where}.content`),
            ...(block.is_error === true ? { isError: true } : {}),
            ...(cacheControl ? { cacheControl } : {}),
          });
        break;
      }
      case 'thinking':
      case 'redacted_thinking': {
        const piece =
          role === 'assistant' ? readThinkingBlock(r, block, where) : r.problem(`${where}.type`, `a ${String(block.type)} block belongs in an assistant turn`);
        if (!piece) break;
        if (parts.length > 0 || toolCalls.length > 0) closeTurn();
        reasoning.push(piece);
        break;
      }
      default:
        r.problem(`${where}.type`, `content blocks of type "${String(block.type)}" are not supported`);
    }
  }
  if (role === 'assistant') {
    closeTurn();
    return assistantTurns;
  }
  const messages: ChatMessage[] = [...toolResults];
  if (parts.length > 0) messages.push({ role, content: flatten(parts) });
  return messages;
}

function assistantTurn(content: string | ContentPart[], toolCalls: ToolCall[], reasoning: ReasoningBlock[], continues: boolean): ChatMessage {
  return {
    role: 'assistant',
    content,
    ...(reasoning.length > 0 ? { reasoning } : {}),
    ...(toolCalls.length > 0 ? { toolCalls } : {}),
    ...(continues ? { continues: true } : {}),
  };
}

/** Plain text parts become one string, as before; images or cache breakpoints keep the parts. */
function flatten(parts: ContentPart[]): string | ContentPart[] {
  return parts.every((p) => p.type === 'text' && !p.cacheControl) ? parts.map((p) => (p as { text: string }).text).join('') : parts;
}

/** A text, image or document block, with its cache_control. */
function readPart(r: BodyReader, block: Json, where: string): ContentPart | undefined {
  const cacheControl = readCacheControl(r, block.cache_control, `${where}.cache_control`);
  if (block.type === 'text') {
    if (typeof block.text === 'string') return textPart(block.text, cacheControl);
    return r.problem(`${where}.text`, 'expected a string');
  }
  if (block.type === 'document') {
    const document = readDocument(r, block, where);
    return document && cacheControl ? { ...document, cacheControl } : document;
  }
  const url = imageUrl(r, block.source, `${where}.source`);
  return url === undefined ? undefined : { type: 'image', url, ...(cacheControl ? { cacheControl } : {}) };
}

/**
 * A document block: a base64 PDF, a PDF by URL or plain text, with its title, context and citations
 * (`{enabled}`); sources only Anthropic's own storage holds are refused.
 */
function readDocument(r: BodyReader, block: Json, at: string): DocumentPart | undefined {
  const source = readDocumentSource(r, block.source, `${at}.source`);
  for (const field of ['title', 'context'] as const) {
    const value = block[field];
    if (value !== undefined && value !== null && typeof value !== 'string') r.problem(`${at}.${field}`, 'expected a string');
  }
  const citations = readCitationsSetting(r, block.citations, `${at}.citations`);
  if (!source) return undefined;
  const part = documentPart(source, block.title);
  return {
    ...part,
    ...(typeof block.context === 'string' && block.context !== '' ? { context: block.context } : {}),
    ...(citations ? { citations } : {}),
  };
}

/** A document's `citations`: `{enabled: true}` asks Claude to cite it; absent, null or `{enabled: false}` does not. */
function readCitationsSetting(r: BodyReader, value: unknown, at: string): true | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) return r.problem(at, 'expected {enabled: true} or {enabled: false}');
  const enabled = value.enabled;
  if (enabled !== undefined && enabled !== null && typeof enabled !== 'boolean') return r.problem(`${at}.enabled`, 'expected true or false');
  return enabled === true ? true : undefined;
}

function readDocumentSource(r: BodyReader, source: unknown, at: string): DocumentPart['source'] | undefined {
  if (!isObject(source)) return r.problem(at, 'expected a base64 PDF, a url or a text source');
  switch (source.type) {
    case 'base64': {
      if (source.media_type !== 'application/pdf') return r.problem(`${at}.media_type`, 'expected application/pdf');
      const problem = typeof source.data === 'string' ? pdfDataProblem(source.data) : 'expected a string';
      return problem ? r.problem(`${at}.data`, problem) : { type: 'pdf', data: source.data as string };
    }
    case 'url': {
      const problem = typeof source.url === 'string' ? documentUrlProblem(source.url) : 'expected a string';
      return problem ? r.problem(`${at}.url`, problem) : { type: 'pdf_url', url: source.url as string };
    }
    case 'text':
      if (source.media_type !== 'text/plain') return r.problem(`${at}.media_type`, 'expected text/plain');
      return typeof source.data === 'string' ? { type: 'text', text: source.data } : r.problem(`${at}.data`, 'expected a string');
    case 'file':
      return r.problem(`${at}.type`, 'file sources need Anthropic’s Files API, which LLMHub does not offer: send the PDF as base64');
    case 'content':
      return r.problem(`${at}.type`, 'content sources are not supported: send the text as a text source');
    default:
      return r.problem(`${at}.type`, 'expected base64 (a PDF), url or text');
  }
}

/** A base64 source (an image type Anthropic takes, base64 data) or a url source (an http(s) URL), as one URL. */
function imageUrl(r: BodyReader, source: unknown, at: string): string | undefined {
  if (isObject(source) && source.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string') {
    const problem = base64ImageProblem(source.media_type, source.data);
    if (problem) return r.problem(`${at}.${problem.part}`, problem.message);
    return `data:${source.media_type};base64,${source.data}`;
  }
  if (isObject(source) && source.type === 'url' && typeof source.url === 'string') {
    const problem = /^https?:\/\//i.test(source.url) ? imageUrlProblem(source.url) : 'expected an http(s) URL';
    return problem ? r.problem(`${at}.url`, problem) : source.url;
  }
  return r.problem(at, 'expected a base64 or url image source');
}

/** A tool result's content: a string, or text and image blocks (a screenshot tool answers an image). */
function readToolResultContent(r: BodyReader, content: unknown, at: string): string | ContentPart[] {
  if (typeof content === 'string') return content;
  if (content === undefined || content === null) return '';
  if (!Array.isArray(content)) return r.problem(at, 'expected a string or an array of text and image blocks') ?? '';
  const parts: ContentPart[] = [];
  for (const [i, block] of content.entries()) {
    if (isObject(block) && (block.type === 'text' || block.type === 'image')) {
      const part = readPart(r, block, `${at}[${i}]`);
      if (part) parts.push(part);
    } else r.problem(`${at}[${i}]`, 'expected a text or image block');
  }
  return flatten(parts);
}

function readTools(r: BodyReader): ToolDefinition[] | undefined {
  const value = r.body.tools;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return r.problem('tools', 'expected an array');
  const tools: ToolDefinition[] = [];
  for (const [i, tool] of value.entries()) {
    if (!isObject(tool) || typeof tool.name !== 'string' || (tool.type !== undefined && tool.type !== 'custom') || !isObject(tool.input_schema)) {
      return r.problem(`tools[${i}]`, 'expected a custom tool {name, description?, input_schema}; server tools are not supported');
    }
    if (!checkToolName(r, tool.name, `tools[${i}].name`, ANTHROPIC_TOOL_NAME) || !checkToolSchema(r, tool.input_schema, `tools[${i}].input_schema`))
      return undefined;
    const cacheControl = readCacheControl(r, tool.cache_control, `tools[${i}].cache_control`);
    tools.push({
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: tool.input_schema,
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
      ...(cacheControl ? { cacheControl } : {}),
    });
  }
  return tools;
}

/** The choice, and `parallel: false` for disable_parallel_tool_use (which the none choice does not take). */
function readToolChoice(r: BodyReader): { choice: ToolChoice; parallel?: false } | undefined {
  const value = r.body.tool_choice;
  if (value === undefined || value === null) return undefined;
  const choice = isObject(value) ? toolChoiceOf(value) : undefined;
  if (!choice) return r.problem('tool_choice', 'expected {type: auto|any|none} or {type: "tool", name}');
  const disable = (value as Json).disable_parallel_tool_use;
  if (disable === undefined || disable === null || disable === false) return { choice };
  if (disable !== true || choice === 'none') return r.problem('tool_choice.disable_parallel_tool_use', 'expected true or false, with type auto, any or tool');
  return { choice, parallel: false };
}

function toolChoiceOf(value: Json): ToolChoice | undefined {
  if (value.type === 'auto') return 'auto';
  if (value.type === 'none') return 'none';
  if (value.type === 'any') return 'required';
  if (value.type === 'tool' && typeof value.name === 'string') return { name: value.name };
  return undefined;
}

// ---- responses ----

export function messageId(requestId: string): string {
  return `msg_${requestId.replace(/-/g, '')}`;
}

/**
 * A 'stop' that a stop sequence caused is Anthropic's stop_sequence (only an Anthropic upstream says so).
 * A refusal (OpenAI's message.refusal, which comes with finish_reason stop) is Anthropic's own signal
 * for one, stop_reason refusal, as a provider's content filter is.
 */
export function anthropicStopReason(reason: FinishReason, stopSequence?: string, refused = false): string {
  if (refused) return 'refusal';
  switch (reason) {
    case 'stop':
      return stopSequence === undefined ? 'end_turn' : 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

/**
 * Anthropic's Usage: uncached input, cache reads and cache writes (split by TTL in cache_creation) counted
 * apart; reasoning tokens as output_tokens_details. The rest is what Anthropic answers a plain call with:
 * no server tools (LLMHub refuses them), the standard tier and speed (LLMHub asks for no other), and
 * inference_geo null, since the gateway does not know where the provider ran the call.
 */
export function anthropicUsage(usage: TokenUsage): Json {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  const cacheWrite1h = Math.min(usage.cacheWrite1hTokens ?? 0, cacheWrite);
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
    cache_creation: { ephemeral_5m_input_tokens: cacheWrite - cacheWrite1h, ephemeral_1h_input_tokens: cacheWrite1h },
    output_tokens_details: usage.reasoningTokens ? { thinking_tokens: usage.reasoningTokens } : null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: 'standard',
    inference_geo: null,
  };
}

/**
 * Why the message stopped, as Anthropic's stop_details: null unless it is a refusal. Claude's own refusal
 * keeps its category and explanation; another provider's names no category (Anthropic's are its own
 * policies) and explains itself with its refusal's words, if it gave any.
 */
export function anthropicStopDetails(stopReason: string, details: RefusalDetails | undefined, refusal: string | undefined): Json | null {
  if (stopReason !== 'refusal') return null;
  if (details) return { type: 'refusal', category: details.category, explanation: details.explanation };
  return { type: 'refusal', category: null, explanation: refusal || null };
}

function parseArgs(args: string): unknown {
  try {
    return JSON.parse(args === '' ? '{}' : args);
  } catch {
    return {};
  }
}

/**
 * A genuine Anthropic Message; `model` is `provider/model`. A refusal's words are the text, as Claude
 * writes its own, stop_reason says it is one and stop_details why.
 */
export function toAnthropicMessage(outcome: GenerationOutcome): Json {
  const content: Json[] = (outcome.reasoning ?? []).map(thinkingBlockJson);
  const text = outcome.text + (outcome.refusal ?? '');
  if (outcome.citedText && outcome.refusal === undefined)
    content.push(...outcome.citedText.map((b) => ({ type: 'text', text: b.text, citations: b.citations })));
  else if (text !== '' || !outcome.toolCalls?.length) content.push(textBlock(text));
  for (const call of outcome.toolCalls ?? []) content.push(toolUseBlock(call.id, call.name, parseArgs(call.arguments)));
  const stopReason = anthropicStopReason(outcome.finishReason, outcome.stopSequence, outcome.refusal !== undefined);
  return {
    id: messageId(outcome.requestId),
    type: 'message',
    role: 'assistant',
    model: outcome.target.id,
    content,
    stop_reason: stopReason,
    stop_sequence: outcome.stopSequence ?? null,
    stop_details: anthropicStopDetails(stopReason, outcome.refusalDetails, outcome.refusal),
    // no container tool or request diagnostics: LLMHub takes neither
    container: null,
    diagnostics: null,
    usage: { ...anthropicUsage(outcome.usage), cost_usd: outcome.costUsd },
    request_id: outcome.requestId,
  };
}

/** A text block as Anthropic answers one that cites nothing. */
function textBlock(text: string): Json {
  return { type: 'text', text, citations: null };
}

/** A tool_use block as Anthropic answers the model's own call (not one made from the code execution tool). */
function toolUseBlock(id: string, name: string, input: unknown): Json {
  return { type: 'tool_use', id, name, input, caller: { type: 'direct' } };
}

export interface SseEvent {
  event: string;
  data: Json;
}

/**
 * Turns neutral stream events into Anthropic's sequence: message_start,
 * content_block_start/delta/stop per block, message_delta, message_stop.
 */
export class AnthropicEventWriter {
  /** the open content block; a text block that cites a document is `cited`, and has `text` once its text began */
  private block: { index: number; kind: 'text' | 'tool' | 'thinking'; toolIndex?: number; cited?: boolean; text?: boolean } | null = null;
  private nextIndex = 0;
  private finishReason: FinishReason = 'stop';
  private stopSequence: string | undefined;
  private refusalDetails: RefusalDetails | undefined;
  /** the refusal streamed so far (as text), if one was: the message stops with stop_reason refusal, and it explains why */
  private refusal: string | undefined;

  start(start: StreamStart): SseEvent[] {
    return [
      {
        event: 'message_start',
        data: {
          type: 'message_start',
          message: {
            id: messageId(start.requestId),
            type: 'message',
            role: 'assistant',
            model: start.target.id,
            content: [],
            stop_reason: null,
            stop_sequence: null,
            stop_details: null,
            container: null,
            diagnostics: null,
            usage: anthropicUsage({ inputTokens: start.estimatedInputTokens, outputTokens: 0 }),
          },
        },
      },
    ];
  }

  event(event: StreamEvent): SseEvent[] {
    switch (event.type) {
      case 'thinking': {
        const out = this.block?.kind === 'thinking' ? [] : this.open({ type: 'thinking', thinking: '', signature: '' }, 'thinking');
        out.push(this.delta({ type: 'thinking_delta', thinking: event.text }));
        return out;
      }
      case 'thinking_signature': {
        // the signature ends its block: the next thinking, if any, is a block of its own
        const out = this.block?.kind === 'thinking' ? [] : this.open({ type: 'thinking', thinking: '', signature: '' }, 'thinking');
        out.push(this.delta({ type: 'signature_delta', signature: event.signature }), ...this.closeBlock());
        return out;
      }
      case 'redacted_thinking': {
        const out = this.open({ type: 'redacted_thinking', data: event.data }, 'thinking');
        out.push(...this.closeBlock());
        return out;
      }
      case 'refusal':
      case 'text': {
        if (event.type === 'refusal') this.refusal = (this.refusal ?? '') + event.text;
        const out = this.block?.kind === 'text' ? [] : this.open(textBlock(''), 'text');
        this.block!.text = true;
        out.push(this.delta({ type: 'text_delta', text: event.text }));
        return out;
      }
      case 'citation': {
        // a cited stretch of text is a block of its own: its citations, then its text
        const open = this.block;
        const out = open?.kind === 'text' && open.cited && !open.text ? [] : this.open({ type: 'text', text: '', citations: [] }, 'text');
        this.block!.cited = true;
        out.push(this.delta({ type: 'citations_delta', citation: event.citation }));
        return out;
      }
      case 'cited_text_end':
        return this.block?.kind === 'text' && this.block.cited ? this.closeBlock() : [];
      case 'tool_call_delta': {
        const out: SseEvent[] = [];
        if (!(this.block?.kind === 'tool' && this.block.toolIndex === event.index)) {
          out.push(...this.open(toolUseBlock(event.id ?? `toolu_${this.nextIndex}`, event.name ?? '', {}), 'tool', event.index));
        }
        if (event.argumentsDelta) out.push(this.delta({ type: 'input_json_delta', partial_json: event.argumentsDelta }));
        return out;
      }
      case 'finish':
        this.finishReason = event.finishReason;
        this.stopSequence = event.stopSequence;
        this.refusalDetails = event.refusalDetails;
        return [];
      default:
        return [];
    }
  }

  /** The closing events, written once the usage record is committed. */
  finish(summary: StreamSummary): SseEvent[] {
    const usage = anthropicUsage(summary.usage);
    const stopReason = anthropicStopReason(this.finishReason, this.stopSequence, this.refusal !== undefined);
    return [
      ...this.closeBlock(),
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: {
            stop_reason: stopReason,
            stop_sequence: this.stopSequence ?? null,
            stop_details: anthropicStopDetails(stopReason, this.refusalDetails, this.refusal),
            container: null,
          },
          usage: { ...usage, cost_usd: summary.costUsd },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
  }

  private open(contentBlock: Json, kind: 'text' | 'tool' | 'thinking', toolIndex?: number): SseEvent[] {
    const out = this.closeBlock();
    this.block = { index: this.nextIndex++, kind, ...(toolIndex !== undefined ? { toolIndex } : {}) };
    out.push({ event: 'content_block_start', data: { type: 'content_block_start', index: this.block.index, content_block: contentBlock } });
    return out;
  }

  private delta(delta: Json): SseEvent {
    return { event: 'content_block_delta', data: { type: 'content_block_delta', index: this.block!.index, delta } };
  }

  private closeBlock(): SseEvent[] {
    if (!this.block) return [];
    const index = this.block.index;
    this.block = null;
    return [{ event: 'content_block_stop', data: { type: 'content_block_stop', index } }];
  }
}
