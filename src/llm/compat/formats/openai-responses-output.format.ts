import type { AppError } from '../../../common/errors/app-error';
import type { GenerationOutcome, StreamStart, StreamSummary } from '../../generation/generation.types';
import {
  reasoningTextOf,
  signedThinkingBlocks,
  type FinishReason,
  type OutputTokenLogprob,
  type ReasoningBlock,
  type StreamEvent,
  type TokenUsage,
  type ToolCall,
} from '../../providers/llm-provider';
import type { SseEvent } from './anthropic-messages.format';
import type { Json } from './body-reader';
import { openAiTokenLogprob } from './openai-chat.format';
import type { ResponsesEcho } from './openai-responses.format';
import { encodeThinkingBlock } from './thinking-fields';

export function responseId(requestId: string): string {
  return `resp_${requestId}`;
}

/** The n-th message item of a response (the first is `msg_<request id>`). */
function messageItemId(requestId: string, n: number): string {
  return n === 0 ? `msg_${requestId}` : `msg_${requestId}_${n}`;
}

function functionCallItemId(requestId: string, n: number): string {
  return `fc_${requestId}_${n}`;
}

/** The n-th reasoning item of a response (the first is `rs_<request id>`). */
function reasoningItemId(requestId: string, n: number): string {
  return n === 0 ? `rs_${requestId}` : `rs_${requestId}_${n}`;
}

/**
 * A reasoning model's reasoning as the Responses API gives an open-weight model's: a reasoning item whose
 * content is the reasoning text (no summary: the provider wrote none). An Anthropic model's thinking is one
 * item per signed block, the block in `encrypted_content`, which the client passes back with the item.
 */
function reasoningItem(id: string, text: string, status: ItemStatus, encrypted?: string): Json {
  return {
    id,
    type: 'reasoning',
    summary: [],
    content: text === '' ? [] : [reasoningText(text)],
    ...(encrypted !== undefined ? { encrypted_content: encrypted } : {}),
    status,
  };
}

/** The reasoning items of an answer: one per signed thinking block, or one holding unsigned reasoning's text, or none. */
function reasoningItems(requestId: string, reasoning: readonly ReasoningBlock[] | undefined): Json[] {
  const signed = signedThinkingBlocks(reasoning);
  if (signed.length > 0) {
    return signed.map((block, n) =>
      reasoningItem(reasoningItemId(requestId, n), block.type === 'thinking' ? block.thinking : '', 'completed', encodeThinkingBlock(block)),
    );
  }
  const text = reasoningTextOf(reasoning);
  return text === '' ? [] : [reasoningItem(reasoningItemId(requestId, 0), text, 'completed')];
}

function reasoningText(text: string): Json {
  return { type: 'reasoning_text', text };
}

export function responsesUsage(usage: TokenUsage, costUsd: string | null): Json {
  return {
    input_tokens: usage.inputTokens,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: usage.outputTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    total_tokens: usage.inputTokens + usage.outputTokens,
    cost_usd: costUsd,
  };
}

/** Cut by max_output_tokens or a content filter: `incomplete`, with the reason; anything else `completed`. */
function incompleteReason(reason: FinishReason): string | null {
  return reason === 'length' ? 'max_output_tokens' : reason === 'content_filter' ? 'content_filter' : null;
}

type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

function messageItem(id: string, content: Json[], status: ItemStatus): Json {
  return { id, type: 'message', status, role: 'assistant', content };
}

/** The text part; its logprobs are the provider's when the request included them, else empty, as from OpenAI. */
function outputText(text: string, logprobs: Json[] = []): Json {
  return { type: 'output_text', text, annotations: [], logprobs };
}

/** The model declined to answer: its words go in a refusal part, the output_text's sibling, as OpenAI writes it. */
function refusalPart(refusal: string): Json {
  return { type: 'refusal', refusal };
}

type PartKind = 'output_text' | 'refusal';

function contentPart(kind: PartKind, text: string, logprobs: Json[] = []): Json {
  return kind === 'refusal' ? refusalPart(text) : outputText(text, logprobs);
}

function responsesLogprobs(tokens: OutputTokenLogprob[] | null | undefined): Json[] {
  return tokens?.map(openAiTokenLogprob) ?? [];
}

function functionCallItem(id: string, call: Pick<ToolCall, 'id' | 'name' | 'arguments'>, status: ItemStatus): Json {
  return { id, type: 'function_call', status, call_id: call.id, name: call.name, arguments: call.arguments };
}

/** What every Response object of one call shares: its id, time, model and the request's echoed settings. */
interface ResponseHead {
  requestId: string;
  createdAt: Date;
  model: string;
  requestedModel: string;
  attempts: number;
  echo: ResponsesEcho;
}

function responseObject(head: ResponseHead, status: string, output: Json[], usage: Json | null, extra: Json = {}): Json {
  return {
    id: responseId(head.requestId),
    object: 'response',
    created_at: Math.floor(head.createdAt.getTime() / 1000),
    status,
    background: false,
    error: null,
    incomplete_details: null,
    model: head.model,
    output,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    // nothing is kept: GET /v1/responses/{id} answers 404
    store: false,
    truncation: 'disabled',
    ...head.echo,
    usage,
    request_id: head.requestId,
    requested_model: head.requestedModel,
    attempts: head.attempts,
    ...extra,
  };
}

function statusFields(reason: FinishReason): { status: string; extra: Json } {
  const incomplete = incompleteReason(reason);
  return incomplete === null ? { status: 'completed', extra: {} } : { status: 'incomplete', extra: { incomplete_details: { reason: incomplete } } };
}

/** A genuine Response, so the OpenAI SDK parses it (and `output_text` works); `model` is `provider/model`. */
export function toResponse(outcome: GenerationOutcome, echo: ResponsesEcho): Json {
  const { status, extra } = statusFields(outcome.finishReason);
  const itemStatus = status === 'completed' ? 'completed' : 'incomplete';
  const calls = outcome.toolCalls ?? [];
  const output: Json[] = [];
  output.push(...reasoningItems(outcome.requestId, outcome.reasoning));
  const refusal = outcome.refusal;
  if (outcome.text !== '' || refusal !== undefined || calls.length === 0) {
    const content: Json[] = [];
    if (outcome.text !== '' || refusal === undefined) content.push(outputText(outcome.text, responsesLogprobs(outcome.logprobs?.content)));
    if (refusal !== undefined) content.push(refusalPart(refusal));
    output.push(messageItem(messageItemId(outcome.requestId, 0), content, itemStatus));
  }
  for (let i = 0; i < calls.length; i++) output.push(functionCallItem(functionCallItemId(outcome.requestId, i), calls[i], 'completed'));
  const head = {
    requestId: outcome.requestId,
    createdAt: outcome.createdAt,
    model: outcome.target.id,
    requestedModel: outcome.requestedModel,
    attempts: outcome.attempts,
    echo,
  };
  return responseObject(head, status, output, responsesUsage(outcome.usage, outcome.costUsd), extra);
}

/** One content part of a streamed message: its text so far (a refusal's words for a refusal part). */
interface OpenPart {
  kind: PartKind;
  chunks: string[];
  logprobs: Json[];
}

interface OpenMessage {
  id: string;
  index: number;
  /** the parts so far; the last one is open */
  parts: OpenPart[];
}

function finishedPart(part: OpenPart): Json {
  return contentPart(part.kind, part.chunks.join(''), part.logprobs);
}

interface OpenCall {
  id: string;
  index: number;
  /** the provider's index of the tool call */
  toolIndex: number;
  callId: string;
  name: string;
  args: string[];
}

/**
 * Turns neutral stream events into OpenAI's Responses events, each numbered by `sequence_number`:
 * response.created and response.in_progress; per message item output_item.added,
 * content_part.added, output_text.delta…, output_text.done, content_part.done, output_item.done;
 * per function call output_item.added, function_call_arguments.delta…/.done, output_item.done;
 * then response.completed (or response.incomplete) with the whole response and its usage, or
 * `error` and response.failed.
 */
export class ResponsesEventWriter {
  private seq = 0;
  private head!: ResponseHead;
  /** the items closed so far, as output_item.done gave them */
  private readonly output: Json[] = [];
  private message: OpenMessage | null = null;
  private call: OpenCall | null = null;
  /** the reasoning item, while its text streams (it comes before the answer) */
  private reasoning: { id: string; index: number; chunks: string[] } | null = null;
  private reasonings = 0;
  private messages = 0;
  private calls = 0;
  private finishReason: FinishReason = 'stop';

  constructor(private readonly echo: ResponsesEcho) {}

  start(start: StreamStart): SseEvent[] {
    this.head = {
      requestId: start.requestId,
      createdAt: start.createdAt,
      model: start.target.id,
      requestedModel: start.requestedModel,
      attempts: start.attempts,
      echo: this.echo,
    };
    const response = responseObject(this.head, 'in_progress', [], null);
    return [this.ev('response.created', { response }), this.ev('response.in_progress', { response })];
  }

  event(event: StreamEvent): SseEvent[] {
    switch (event.type) {
      case 'thinking': {
        const out: SseEvent[] = [];
        const reasoning = this.reasoning ?? this.openReasoning(out);
        reasoning.chunks.push(event.text);
        out.push(this.ev('response.reasoning_text.delta', { item_id: reasoning.id, output_index: reasoning.index, content_index: 0, delta: event.text }));
        return out;
      }
      case 'thinking_signature': {
        // the signature closes its block: the item, with the block to pass back; one that showed no text comes whole
        const out: SseEvent[] = [];
        if (!this.reasoning) return this.wholeReasoning(out, { type: 'thinking', thinking: '', signature: event.signature });
        this.closeReasoning(out, { type: 'thinking', thinking: this.reasoning.chunks.join(''), signature: event.signature });
        return out;
      }
      case 'redacted_thinking': {
        const out: SseEvent[] = [];
        this.closeReasoning(out);
        return this.wholeReasoning(out, { type: 'redacted_thinking', data: event.data });
      }
      case 'text':
      case 'refusal': {
        const out: SseEvent[] = [];
        this.closeReasoning(out);
        const kind: PartKind = event.type === 'text' ? 'output_text' : 'refusal';
        const message = this.message ?? this.openMessage(out, kind);
        const part = this.partOf(message, kind, out);
        part.chunks.push(event.text);
        const where = { item_id: message.id, output_index: message.index, content_index: message.parts.length - 1 };
        if (kind === 'refusal') {
          out.push(this.ev('response.refusal.delta', { ...where, delta: event.text }));
          return out;
        }
        const logprobs = responsesLogprobs(event.logprobs);
        part.logprobs.push(...logprobs);
        out.push(this.ev('response.output_text.delta', { ...where, delta: event.text, logprobs }));
        return out;
      }
      case 'tool_call_delta': {
        const out: SseEvent[] = [];
        this.closeReasoning(out);
        const call = this.call?.toolIndex === event.index ? this.call : this.openCall(out, event);
        if (event.argumentsDelta) {
          call.args.push(event.argumentsDelta);
          out.push(this.ev('response.function_call_arguments.delta', { item_id: call.id, output_index: call.index, delta: event.argumentsDelta }));
        }
        return out;
      }
      case 'finish': {
        this.finishReason = event.finishReason;
        const out: SseEvent[] = [];
        this.closeReasoning(out);
        // an answer with no output at all still has its (empty) message, as the non-streamed answer has
        if (this.messages === 0 && this.calls === 0) this.openMessage(out, 'output_text');
        this.closeMessage(out, incompleteReason(event.finishReason) === null ? 'completed' : 'incomplete');
        this.closeCall(out);
        return out;
      }
      default:
        return [];
    }
  }

  /** The closing event, written once the usage record is committed. */
  finish(summary: StreamSummary): SseEvent[] {
    const { status, extra } = statusFields(this.finishReason);
    const response = responseObject(this.head, status, this.output, responsesUsage(summary.usage, summary.costUsd), extra);
    return [this.ev(status === 'completed' ? 'response.completed' : 'response.incomplete', { response })];
  }

  /** The stream failed after it opened: OpenAI's `error` event, then response.failed with what was answered so far. */
  fail(error: AppError, summary: StreamSummary): SseEvent[] {
    const output = [...this.output];
    if (this.reasoning) output.push(reasoningItem(this.reasoning.id, this.reasoning.chunks.join(''), 'incomplete'));
    if (this.message) output.push(messageItem(this.message.id, this.message.parts.map(finishedPart), 'incomplete'));
    if (this.call)
      output.push(functionCallItem(this.call.id, { id: this.call.callId, name: this.call.name, arguments: this.call.args.join('') }, 'incomplete'));
    const failure = { code: error.code, message: error.message };
    const response = responseObject(this.head, 'failed', output, responsesUsage(summary.usage, summary.costUsd), { error: failure });
    return [this.ev('error', { ...failure, param: null }), this.ev('response.failed', { response })];
  }

  private openReasoning(out: SseEvent[]): { id: string; index: number; chunks: string[] } {
    const reasoning = { id: reasoningItemId(this.head.requestId, this.reasonings++), index: this.output.length, chunks: [] };
    this.reasoning = reasoning;
    out.push(
      this.ev('response.output_item.added', { output_index: reasoning.index, item: reasoningItem(reasoning.id, '', 'in_progress') }),
      this.ev('response.content_part.added', { item_id: reasoning.id, output_index: reasoning.index, content_index: 0, part: reasoningText('') }),
    );
    return reasoning;
  }

  /** The open reasoning item's done events; `signed` is its thinking block when the signature closed it. */
  private closeReasoning(out: SseEvent[], signed?: ReasoningBlock): void {
    const reasoning = this.reasoning;
    if (!reasoning) return;
    this.reasoning = null;
    const text = reasoning.chunks.join('');
    const where = { item_id: reasoning.id, output_index: reasoning.index, content_index: 0 };
    const item = reasoningItem(reasoning.id, text, 'completed', signed && encodeThinkingBlock(signed));
    this.output.push(item);
    out.push(
      this.ev('response.reasoning_text.done', { ...where, text }),
      this.ev('response.content_part.done', { ...where, part: reasoningText(text) }),
      this.ev('response.output_item.done', { output_index: reasoning.index, item }),
    );
  }

  /** A reasoning item with no text to stream (a redacted block, a thinking block whose display is omitted): added and done at once. */
  private wholeReasoning(out: SseEvent[], block: ReasoningBlock): SseEvent[] {
    const id = reasoningItemId(this.head.requestId, this.reasonings++);
    const index = this.output.length;
    const item = reasoningItem(id, '', 'completed', encodeThinkingBlock(block));
    this.output.push(item);
    out.push(
      this.ev('response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } }),
      this.ev('response.output_item.done', { output_index: index, item }),
    );
    return out;
  }

  private openMessage(out: SseEvent[], kind: PartKind): OpenMessage {
    this.closeCall(out);
    const message: OpenMessage = { id: messageItemId(this.head.requestId, this.messages++), index: this.output.length, parts: [] };
    this.message = message;
    out.push(this.ev('response.output_item.added', { output_index: message.index, item: messageItem(message.id, [], 'in_progress') }));
    this.partOf(message, kind, out);
    return message;
  }

  /** The message's open part of this kind: a text after a refusal (or the other way round) closes one part and opens the next. */
  private partOf(message: OpenMessage, kind: PartKind, out: SseEvent[]): OpenPart {
    const open = message.parts[message.parts.length - 1];
    if (open?.kind === kind) return open;
    if (open) this.closePart(message, out);
    const part: OpenPart = { kind, chunks: [], logprobs: [] };
    message.parts.push(part);
    out.push(
      this.ev('response.content_part.added', {
        item_id: message.id,
        output_index: message.index,
        content_index: message.parts.length - 1,
        part: contentPart(kind, ''),
      }),
    );
    return part;
  }

  /** The done events of the message's last part. */
  private closePart(message: OpenMessage, out: SseEvent[]): void {
    const content_index = message.parts.length - 1;
    const part = message.parts[content_index];
    const text = part.chunks.join('');
    const where = { item_id: message.id, output_index: message.index, content_index };
    out.push(
      part.kind === 'refusal'
        ? this.ev('response.refusal.done', { ...where, refusal: text })
        : this.ev('response.output_text.done', { ...where, text, logprobs: part.logprobs }),
      this.ev('response.content_part.done', { ...where, part: finishedPart(part) }),
    );
  }

  private closeMessage(out: SseEvent[], status: ItemStatus = 'completed'): void {
    const message = this.message;
    if (!message) return;
    this.message = null;
    this.closePart(message, out);
    const item = messageItem(message.id, message.parts.map(finishedPart), status);
    this.output.push(item);
    out.push(this.ev('response.output_item.done', { output_index: message.index, item }));
  }

  private openCall(out: SseEvent[], event: Extract<StreamEvent, { type: 'tool_call_delta' }>): OpenCall {
    this.closeMessage(out);
    this.closeCall(out);
    const n = this.calls++;
    const call: OpenCall = {
      id: functionCallItemId(this.head.requestId, n),
      index: this.output.length,
      toolIndex: event.index,
      callId: event.id ?? `call_${this.head.requestId}_${n}`,
      name: event.name ?? '',
      args: [],
    };
    this.call = call;
    out.push(
      this.ev('response.output_item.added', {
        output_index: call.index,
        item: functionCallItem(call.id, { id: call.callId, name: call.name, arguments: '' }, 'in_progress'),
      }),
    );
    return call;
  }

  private closeCall(out: SseEvent[]): void {
    const call = this.call;
    if (!call) return;
    this.call = null;
    const args = call.args.join('');
    const item = functionCallItem(call.id, { id: call.callId, name: call.name, arguments: args }, 'completed');
    this.output.push(item);
    out.push(
      this.ev('response.function_call_arguments.done', { item_id: call.id, output_index: call.index, name: call.name, arguments: args }),
      this.ev('response.output_item.done', { output_index: call.index, item }),
    );
  }

  private ev(type: string, fields: Json): SseEvent {
    return { event: type, data: { type, sequence_number: this.seq++, ...fields } };
  }
}
