import type { GenerationOutcome, StreamStart, StreamSummary, TemplateInput } from '../../generation/generation.types';
import {
  ChatMessage,
  ContentPart,
  FinishReason,
  GenerateRequest,
  StreamEvent,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../providers/llm-provider';
import { BodyReader, isObject, Json, readTemplate } from './body-reader';

/** A /v1/messages body, read into the neutral shape. */
export interface ParsedMessagesRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  params: Pick<GenerateRequest, 'maxTokens' | 'temperature' | 'topP' | 'stop' | 'tools' | 'toolChoice'>;
  stream: boolean;
  template?: TemplateInput;
  variables?: Record<string, unknown>;
  fallbacks?: string[];
  metadata?: Record<string, unknown>;
}

/**
 * Accepted and ignored: top_k, service_tier, container, mcp_servers absent, metadata.user_id
 * (kept as metadata). Refused with a 400 naming them: thinking enabled, server tools,
 * citations/documents/search results in content.
 */
export function parseMessagesRequest(body: unknown): ParsedMessagesRequest {
  const r = BodyReader.of(body);
  const template = readTemplate(r);
  const model = r.string('model', { required: true, max: 200 });
  const maxTokens = r.number('max_tokens', { integer: true, min: 1, required: true });
  const system = readSystem(r);
  const messages = readMessages(r, template === undefined);
  const temperature = r.number('temperature', { min: 0, max: 1 });
  const topP = r.number('top_p', { min: 0, max: 1 });
  const stop = r.stringList('stop_sequences');
  const tools = readTools(r);
  const toolChoice = readToolChoice(r);
  const stream = r.boolean('stream') ?? false;
  const thinking = r.body.thinking;
  if (isObject(thinking) && thinking.type === 'enabled') r.unsupported('thinking', 'extended thinking is not supported');
  if (r.has('mcp_servers')) r.unsupported('mcp_servers', 'MCP servers are not supported');
  const variables = r.object('variables');
  const fallbacks = r.stringList('fallbacks', { max: 10 });
  const metadata = r.object('metadata');
  r.done();
  return {
    model: model!,
    ...(system ? { system } : {}),
    messages: messages ?? [],
    params: {
      maxTokens,
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(stop && stop.length > 0 ? { stop } : {}),
      ...(tools !== undefined ? { tools } : {}),
      ...(toolChoice !== undefined ? { toolChoice } : {}),
    },
    stream,
    ...(template ? { template } : {}),
    ...(variables ? { variables } : {}),
    ...(fallbacks ? { fallbacks } : {}),
    ...(metadata ? { metadata } : {}),
  };
}

function readSystem(r: BodyReader): string | undefined {
  const value = r.body.system;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((b) => isObject(b) && b.type === 'text' && typeof b.text === 'string')) {
    return value.map((b) => (b as { text: string }).text).join('\n\n');
  }
  return r.problem('system', 'expected a string or an array of text blocks');
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
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  const toolResults: ChatMessage[] = [];
  for (const [i, block] of raw.content.entries()) {
    const where = `${at}.content[${i}]`;
    if (!isObject(block)) {
      r.problem(where, 'expected a content block');
      continue;
    }
    switch (block.type) {
      case 'text':
        if (typeof block.text === 'string') parts.push({ type: 'text', text: block.text });
        else r.problem(`${where}.text`, 'expected a string');
        break;
      case 'image': {
        const url = imageUrl(block.source);
        if (url && role === 'user') parts.push({ type: 'image', url });
        else r.problem(`${where}.source`, 'expected a base64 or url image source in a user turn');
        break;
      }
      case 'tool_use':
        if (role !== 'assistant' || typeof block.id !== 'string' || typeof block.name !== 'string')
          r.problem(where, 'tool_use needs id and name, in an assistant turn');
        else toolCalls.push({ id: block.id, name: block.name, arguments: JSON.stringify(block.input ?? {}) });
        break;
      case 'tool_result':
        if (role !== 'user' || typeof block.tool_use_id !== 'string') r.problem(where, 'tool_result needs tool_use_id, in a user turn');
        else
          toolResults.push({
            role: 'tool',
            toolCallId: block.tool_use_id,
            content: toolResultText(block.content),
            ...(block.is_error === true ? { isError: true } : {}),
          });
        break;
      case 'thinking':
      case 'redacted_thinking':
        // earlier thinking blocks echoed back: not forwarded
        break;
      default:
        r.problem(`${where}.type`, `content blocks of type "${String(block.type)}" are not supported`);
    }
  }
  const messages: ChatMessage[] = [...toolResults];
  if (parts.length > 0 || toolCalls.length > 0) {
    const content = parts.every((p) => p.type === 'text') ? parts.map((p) => (p as { text: string }).text).join('') : parts;
    messages.push({ role, content, ...(toolCalls.length > 0 ? { toolCalls } : {}) });
  }
  return messages;
}

function imageUrl(source: unknown): string | undefined {
  if (!isObject(source)) return undefined;
  if (source.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string')
    return `data:${source.media_type};base64,${source.data}`;
  if (source.type === 'url' && typeof source.url === 'string') return source.url;
  return undefined;
}

function toolResultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((b) => (isObject(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('');
  return '';
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
    tools.push({
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: tool.input_schema,
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    });
  }
  return tools;
}

function readToolChoice(r: BodyReader): ToolChoice | undefined {
  const value = r.body.tool_choice;
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) {
    if (value.type === 'auto') return 'auto';
    if (value.type === 'none') return 'none';
    if (value.type === 'any') return 'required';
    if (value.type === 'tool' && typeof value.name === 'string') return { name: value.name };
  }
  return r.problem('tool_choice', 'expected {type: auto|any|none} or {type: "tool", name}');
}

// ---- responses ----

export function messageId(requestId: string): string {
  return `msg_${requestId.replace(/-/g, '')}`;
}

/** A 'stop' that a stop sequence caused is Anthropic's stop_sequence (only an Anthropic upstream says so). */
export function anthropicStopReason(reason: FinishReason, stopSequence?: string): string {
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

/** Anthropic counts uncached input, cache reads and cache writes separately. */
export function anthropicUsage(usage: TokenUsage): Json {
  const cacheRead = usage.cachedInputTokens ?? 0;
  const cacheWrite = usage.cacheWriteTokens ?? 0;
  return {
    input_tokens: Math.max(0, usage.inputTokens - cacheRead - cacheWrite),
    output_tokens: usage.outputTokens,
    cache_read_input_tokens: cacheRead,
    cache_creation_input_tokens: cacheWrite,
  };
}

function parseArgs(args: string): unknown {
  try {
    return JSON.parse(args === '' ? '{}' : args);
  } catch {
    return {};
  }
}

/** A genuine Anthropic Message; `model` is `provider/model`. */
export function toAnthropicMessage(outcome: GenerationOutcome): Json {
  const content: Json[] = [];
  if (outcome.text !== '' || !outcome.toolCalls?.length) content.push({ type: 'text', text: outcome.text });
  for (const call of outcome.toolCalls ?? []) content.push({ type: 'tool_use', id: call.id, name: call.name, input: parseArgs(call.arguments) });
  return {
    id: messageId(outcome.requestId),
    type: 'message',
    role: 'assistant',
    model: outcome.target.id,
    content,
    stop_reason: anthropicStopReason(outcome.finishReason, outcome.stopSequence),
    stop_sequence: outcome.stopSequence ?? null,
    usage: { ...anthropicUsage(outcome.usage), cost_usd: outcome.costUsd },
    request_id: outcome.requestId,
  };
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
  private block: { index: number; kind: 'text' | 'tool'; toolIndex?: number } | null = null;
  private nextIndex = 0;
  private finishReason: FinishReason = 'stop';
  private stopSequence: string | undefined;

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
            usage: { input_tokens: start.estimatedInputTokens, output_tokens: 0 },
          },
        },
      },
    ];
  }

  event(event: StreamEvent): SseEvent[] {
    switch (event.type) {
      case 'text': {
        const out = this.block?.kind === 'text' ? [] : this.open({ type: 'text', text: '' }, 'text');
        out.push(this.delta({ type: 'text_delta', text: event.text }));
        return out;
      }
      case 'tool_call_delta': {
        const out: SseEvent[] = [];
        if (!(this.block?.kind === 'tool' && this.block.toolIndex === event.index)) {
          out.push(...this.open({ type: 'tool_use', id: event.id ?? `toolu_${this.nextIndex}`, name: event.name ?? '', input: {} }, 'tool', event.index));
        }
        if (event.argumentsDelta) out.push(this.delta({ type: 'input_json_delta', partial_json: event.argumentsDelta }));
        return out;
      }
      case 'finish':
        this.finishReason = event.finishReason;
        this.stopSequence = event.stopSequence;
        return [];
      default:
        return [];
    }
  }

  /** The closing events, written once the usage record is committed. */
  finish(summary: StreamSummary): SseEvent[] {
    const usage = anthropicUsage(summary.usage);
    return [
      ...this.closeBlock(),
      {
        event: 'message_delta',
        data: {
          type: 'message_delta',
          delta: { stop_reason: anthropicStopReason(this.finishReason, this.stopSequence), stop_sequence: this.stopSequence ?? null },
          usage: { ...usage, cost_usd: summary.costUsd },
        },
      },
      { event: 'message_stop', data: { type: 'message_stop' } },
    ];
  }

  private open(contentBlock: Json, kind: 'text' | 'tool', toolIndex?: number): SseEvent[] {
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
