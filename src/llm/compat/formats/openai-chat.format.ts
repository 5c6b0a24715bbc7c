import type { GenerationInput, GenerationOutcome, StreamStart, StreamSummary, TemplateInput } from '../../generation/generation.types';
import {
  ChatMessage,
  ContentPart,
  DocumentPart,
  FinishReason,
  GeneratedChoice,
  Logprobs,
  OutputTokenLogprob,
  REASONING_EFFORTS,
  REASONING_FORMATS,
  ReasoningBlock,
  reasoningTextOf,
  signedThinkingBlocks,
  VERBOSITIES,
  ResponseFormat,
  StreamEvent,
  TokenUsage,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../providers/llm-provider';
import { BodyReader, imageUrlProblem, isObject, Json, MAX_OUTPUT_TOKENS, readTemplate } from './body-reader';
import { pdfFileData, documentPart } from './document-parts';
import { checkThinkingOptions, checkThinkingPassedBack, readThinking, readThinkingBlock, thinkingBlockJson } from './thinking-fields';
import { checkToolName, checkToolSchema, checkToolSet, OPENAI_TOOL_NAME } from './tool-checks';

/** A /v1/chat/completions body, read into the neutral shape. */
export interface ParsedChatCompletion {
  model: string;
  messages: ChatMessage[];
  /** every neutral option but Anthropic's cache control, which this format has no field for */
  params: Omit<GenerationInput['params'], 'cacheControl'>;
  stream: boolean;
  includeUsage: boolean;
  template?: TemplateInput;
  variables?: Record<string, unknown>;
  fallbacks?: string[];
  metadata?: Record<string, unknown>;
  subject?: string;
}

/**
 * Fields the official SDKs may send that change nothing the gateway answers
 * (or only hint at the provider): accepted and ignored.
 * user, seed, store, service_tier, prompt_cache_key, safety_identifier,
 * frequency_penalty, presence_penalty.
 * parallel_tool_calls=false reaches the provider (Anthropic: disable_parallel_tool_use).
 * response_format (json_object, json_schema), logprobs/top_logprobs, n > 1, reasoning_effort, verbosity, Groq's reasoning_format and
 * include_reasoning, and Anthropic's thinking (as Anthropic's own OpenAI-compatible endpoint takes it, with the
 * signed blocks answered in message.thinking_blocks and passed back there) reach the providers whose
 * wire format has them (the planner answers a 400 naming the field for the others);
 * response_format {"type":"text"} and n = 1 are the defaults and are dropped.
 * Fields that would silently change the answer when dropped get a 400 naming them:
 * logit_bias, audio, modalities other than text,
 * functions/function_call (use tools), prediction, web_search_options, and the Anthropic spellings
 * system and stop_sequences.
 */
export function parseChatCompletion(body: unknown): ParsedChatCompletion {
  const r = BodyReader.of(body);
  const template = readTemplate(r);
  const model = r.string('model', { required: true, max: 200 });
  const messages = readMessages(r, template === undefined);
  const maxTokens =
    r.number('max_completion_tokens', { integer: true, min: 1, max: MAX_OUTPUT_TOKENS }) ??
    r.number('max_tokens', { integer: true, min: 1, max: MAX_OUTPUT_TOKENS });
  const temperature = r.number('temperature', { min: 0, max: 2 });
  const topP = r.number('top_p', { min: 0, max: 1 });
  const stop = readStop(r);
  const tools = readTools(r);
  const toolChoice = readToolChoice(r);
  checkToolSet(r, tools, toolChoice, { name: (i) => `tools[${i}].function.name`, choice: 'tool_choice', required: '"required"' });
  const parallelToolCalls = r.boolean('parallel_tool_calls');
  const stream = r.boolean('stream') ?? false;
  const includeUsage = readStreamOptions(r, stream);
  const responseFormat = r.has('response_format') ? readResponseFormat(r) : undefined;
  const logprobs = r.boolean('logprobs');
  const topLogprobs = r.number('top_logprobs', { integer: true, min: 0, max: 20 });
  if (topLogprobs !== undefined && topLogprobs > 0 && logprobs !== true) r.problem('top_logprobs', 'requires logprobs: true');
  const n = r.number('n', { integer: true, min: 1, max: MAX_CHOICES });
  const reasoningEffort = r.oneOf('reasoning_effort', REASONING_EFFORTS);
  const verbosity = r.oneOf('verbosity', VERBOSITIES);
  const reasoningFormat = r.oneOf('reasoning_format', REASONING_FORMATS);
  const includeReasoning = r.boolean('include_reasoning');
  if (reasoningFormat !== undefined && includeReasoning !== undefined) r.problem('include_reasoning', 'mutually exclusive with reasoning_format (as at Groq)');
  const thinking = readThinking(r, maxTokens);
  checkThinkingOptions(r, thinking, { toolChoice, jsonFormat: responseFormat !== undefined, formatField: 'response_format' });
  if (thinking && thinking.type !== 'disabled' && messages) checkThinkingPassedBack(r, messages, (i) => `messages[${i}].thinking_blocks`);
  checkIgnoredFields(r);
  rejectSemanticFields(r);
  const variables = r.object('variables');
  const fallbacks = r.stringList('fallbacks', { max: 10 });
  const metadata = r.metadata('metadata');
  const subject = r.string('subject', { max: 200 }) ?? r.string('user', { max: 200 });
  r.done();
  return {
    model: model!,
    messages: messages ?? [],
    params: {
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(stop !== undefined ? { stop } : {}),
      ...(tools !== undefined ? { tools } : {}),
      ...(toolChoice !== undefined ? { toolChoice } : {}),
      ...(parallelToolCalls === false ? { parallelToolCalls } : {}),
      ...(responseFormat !== undefined ? { responseFormat } : {}),
      ...(logprobs === true ? { logprobs, ...(topLogprobs !== undefined ? { topLogprobs } : {}) } : {}),
      ...(n !== undefined && n > 1 ? { n } : {}),
      ...(reasoningEffort !== undefined ? { reasoningEffort } : {}),
      ...(verbosity !== undefined ? { verbosity } : {}),
      ...(reasoningFormat !== undefined ? { reasoningFormat } : {}),
      ...(includeReasoning !== undefined ? { includeReasoning } : {}),
      ...(thinking !== undefined ? { thinking } : {}),
    },
    stream,
    includeUsage,
    ...(template ? { template } : {}),
    ...(variables ? { variables } : {}),
    ...(fallbacks ? { fallbacks } : {}),
    ...(metadata ? { metadata } : {}),
    ...(subject && template ? { subject } : {}),
  };
}

/** The most choices OpenAI answers in one call. */
const MAX_CHOICES = 128;

/**
 * stream_options as OpenAI takes it: only with stream: true (OpenAI refuses it otherwise), and
 * include_usage a boolean. Before, `include_usage: "yes"` silently left the usage chunk out.
 */
function readStreamOptions(r: BodyReader, stream: boolean): boolean {
  const options = r.object('stream_options');
  if (options === undefined) return false;
  if (!stream) return !r.problem('stream_options', 'only allowed with stream: true');
  const includeUsage = options.include_usage;
  if (includeUsage !== undefined && includeUsage !== null && typeof includeUsage !== 'boolean') {
    return !r.problem('stream_options.include_usage', 'expected true or false');
  }
  return includeUsage === true;
}

/** OpenAI's processing tiers: each is accepted, and the call runs (and is priced) at the provider's default. */
const SERVICE_TIERS = ['auto', 'default', 'flex', 'scale', 'priority'] as const;

/** The request settings both OpenAI APIs take and LLMHub ignores, held to the types OpenAI holds them to. */
export function checkIgnoredRequestSettings(r: BodyReader): void {
  r.boolean('store');
  r.oneOf('service_tier', SERVICE_TIERS);
  r.string('prompt_cache_key', { max: 1024 });
  r.string('safety_identifier', { max: 1024 });
}

/**
 * Fields accepted and ignored must still be what OpenAI takes: a wrong value is the caller's
 * mistake (a string "0.5" penalty, a fractional seed), which OpenAI would answer with a 400.
 */
function checkIgnoredFields(r: BodyReader): void {
  r.number('frequency_penalty', { min: -2, max: 2 });
  r.number('presence_penalty', { min: -2, max: 2 });
  r.number('seed', { integer: true });
  checkIgnoredRequestSettings(r);
}

function rejectSemanticFields(r: BodyReader): void {
  if (isObject(r.body.logit_bias) && Object.keys(r.body.logit_bias).length > 0) r.unsupported('logit_bias', 'logit_bias is not supported');
  if (r.has('audio')) r.unsupported('audio', 'audio output is not supported');
  const modalities = r.body.modalities;
  if (Array.isArray(modalities) && modalities.some((m) => m !== 'text')) r.unsupported('modalities', 'only text output is supported');
  if (r.has('functions') || r.has('function_call')) r.unsupported(r.has('functions') ? 'functions' : 'function_call', 'use tools and tool_choice');
  if (r.has('prediction')) r.unsupported('prediction', 'predicted outputs are not supported');
  if (r.has('web_search_options')) r.unsupported('web_search_options', 'web search is not supported');
  // the Anthropic Messages spellings: dropped, the system prompt or the stop sequences would be lost
  if (r.has('system')) r.unsupported('system', 'the system prompt goes in a message with role "system" (top-level system is /v1/messages’)');
  if (r.has('stop_sequences')) r.unsupported('stop_sequences', 'use stop (stop_sequences is /v1/messages’)');
}

/** Longest json_schema name OpenAI accepts (a-z, A-Z, 0-9, _ and -). */
export const SCHEMA_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

/**
 * response_format as OpenAI takes it: {"type":"text"} (the default: undefined), {"type":"json_object"},
 * or {"type":"json_schema","json_schema":{name, description?, schema?, strict?}}. The schema is
 * passed on as sent; the provider checks it.
 */
function readResponseFormat(r: BodyReader): ResponseFormat | undefined {
  const value = r.body.response_format;
  if (!isObject(value)) return r.problem('response_format', 'expected an object with a type: text, json_object or json_schema');
  switch (value.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const spec = value.json_schema;
      if (!isObject(spec)) return r.problem('response_format.json_schema', 'expected {name, schema?, strict?, description?}');
      const { name, schema, strict, description } = spec;
      if (typeof name !== 'string' || !SCHEMA_NAME.test(name)) {
        return r.problem('response_format.json_schema.name', 'expected 1 to 64 letters, digits, _ or -');
      }
      if (schema !== undefined && schema !== null && !isObject(schema)) return r.problem('response_format.json_schema.schema', 'expected a JSON schema object');
      if (strict !== undefined && strict !== null && typeof strict !== 'boolean')
        return r.problem('response_format.json_schema.strict', 'expected true or false');
      if (description !== undefined && description !== null && typeof description !== 'string') {
        return r.problem('response_format.json_schema.description', 'expected a string');
      }
      return {
        type: 'json_schema',
        jsonSchema: {
          name,
          ...(typeof description === 'string' ? { description } : {}),
          ...(isObject(schema) ? { schema } : {}),
          ...(typeof strict === 'boolean' || strict === null ? { strict } : {}),
        },
      };
    }
    default:
      return r.problem('response_format.type', 'expected text, json_object or json_schema');
  }
}

function readStop(r: BodyReader): string[] | undefined {
  const stop = r.body.stop;
  if (stop === undefined || stop === null) return undefined;
  if (typeof stop === 'string') return [stop];
  if (Array.isArray(stop) && stop.length <= 4 && stop.every((s) => typeof s === 'string')) return stop;
  return r.problem('stop', 'expected a string or up to 4 strings');
}

function readMessages(r: BodyReader, required: boolean): ChatMessage[] | undefined {
  return r.messageList(required, (raw, at) => {
    const message = readMessage(r, raw, at);
    return message ? [message] : [];
  });
}

function readMessage(r: BodyReader, raw: unknown, at: string): ChatMessage | undefined {
  if (!isObject(raw)) return r.problem(at, 'expected a message object');
  const role = raw.role;
  const name = typeof raw.name === 'string' ? raw.name : undefined;
  switch (role) {
    case 'system':
    case 'developer': {
      const content = readContent(r, raw.content, `${at}.content`, false);
      // one text, as every provider has read it (system parts as separate blocks are Anthropic's, with cache breakpoints)
      return content === undefined
        ? undefined
        : { role: 'system', content: typeof content === 'string' ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('') };
    }
    case 'user': {
      const content = readContent(r, raw.content, `${at}.content`, true);
      return content === undefined ? undefined : { role: 'user', content, ...(name ? { name } : {}) };
    }
    case 'assistant': {
      const toolCalls = readToolCalls(r, raw.tool_calls, `${at}.tool_calls`);
      const content = raw.content === null || raw.content === undefined ? '' : readContent(r, raw.content, `${at}.content`, false);
      if (content === undefined) return undefined;
      const reasoning = readThinkingBlocks(r, raw.thinking_blocks, `${at}.thinking_blocks`);
      if (raw.refusal !== undefined && raw.refusal !== null && content === '')
        return { role: 'assistant', content: typeof raw.refusal === 'string' ? raw.refusal : JSON.stringify(raw.refusal) };
      return {
        role: 'assistant',
        content,
        ...(reasoning && reasoning.length > 0 ? { reasoning } : {}),
        ...(toolCalls && toolCalls.length > 0 ? { toolCalls } : {}),
      };
    }
    case 'tool': {
      if (typeof raw.tool_call_id !== 'string') return r.problem(`${at}.tool_call_id`, 'required');
      const content = readContent(r, raw.content, `${at}.content`, false);
      return content === undefined ? undefined : { role: 'tool', content, toolCallId: raw.tool_call_id };
    }
    case 'function':
      return r.problem(`${at}.role`, 'role "function" is deprecated; use tool messages');
    default:
      return r.problem(`${at}.role`, 'expected system, developer, user, assistant or tool');
  }
}

function readContent(r: BodyReader, content: unknown, at: string, images: boolean): string | ContentPart[] | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return r.problem(at, 'expected a string or an array of content parts');
  // a user turn with no parts would reach the provider as an empty turn (OpenAI and Anthropic refuse it), or vanish
  if (images && content.length === 0) return r.problem(at, 'expected at least one content part');
  const parts: ContentPart[] = [];
  for (const [i, part] of content.entries()) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') parts.push({ type: 'text', text: part.text });
    else if (images && isObject(part) && part.type === 'image_url' && isObject(part.image_url) && typeof part.image_url.url === 'string') {
      const detail = part.image_url.detail;
      if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
        return r.problem(`${at}[${i}].image_url.detail`, 'expected auto, low or high');
      }
      const problem = imageUrlProblem(part.image_url.url);
      if (problem) return r.problem(`${at}[${i}].image_url.url`, problem);
      parts.push({ type: 'image', url: part.image_url.url, ...(detail ? { detail } : {}) });
    } else if (images && isObject(part) && part.type === 'file') {
      const document = readFile(r, part.file, `${at}[${i}].file`);
      if (!document) return undefined;
      parts.push(document);
    } else return r.problem(`${at}[${i}]`, images ? 'expected a text, image_url or file part' : 'expected a text part');
  }
  return parts;
}

/** A file part's file: a PDF as `file_data` (OpenAI's data: URL), named by `filename`; an uploaded file's id needs OpenAI's storage. */
function readFile(r: BodyReader, file: unknown, at: string): DocumentPart | undefined {
  if (!isObject(file)) return r.problem(at, 'expected {file_data, filename?}');
  if (typeof file.file_data !== 'string') {
    const why =
      file.file_id !== undefined ? 'file_id needs OpenAI’s file storage: send the PDF as file_data (a data:application/pdf;base64,… URL)' : 'required';
    return r.problem(`${at}.file_data`, why);
  }
  if (file.filename !== undefined && file.filename !== null && typeof file.filename !== 'string') return r.problem(`${at}.filename`, 'expected a string');
  const read = pdfFileData(file.file_data);
  return 'problem' in read ? r.problem(`${at}.file_data`, read.problem) : documentPart({ type: 'pdf', data: read.data }, file.filename);
}

/**
 * An assistant message's `thinking_blocks`: the signed thinking an Anthropic model answered with
 * (message.thinking_blocks), passed back unchanged so that a tool-using conversation with thinking on can
 * go on; other providers' models get the turn without them.
 */
function readThinkingBlocks(r: BodyReader, value: unknown, at: string): ReasoningBlock[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return r.problem(at, 'expected an array of thinking blocks, as message.thinking_blocks was answered');
  const blocks: ReasoningBlock[] = [];
  for (const [i, block] of value.entries()) {
    const read = isObject(block) ? readThinkingBlock(r, block, `${at}[${i}]`) : r.problem(`${at}[${i}]`, 'expected a thinking block');
    if (!read) return undefined;
    blocks.push(read);
  }
  return blocks;
}

function readToolCalls(r: BodyReader, value: unknown, at: string): ToolCall[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return r.problem(at, 'expected an array');
  const calls: ToolCall[] = [];
  for (const [i, call] of value.entries()) {
    if (!isObject(call) || typeof call.id !== 'string' || !isObject(call.function) || typeof call.function.name !== 'string') {
      return r.problem(`${at}[${i}]`, 'expected {id, type: "function", function: {name, arguments}}');
    }
    const args = call.function.arguments;
    calls.push({ id: call.id, name: call.function.name, arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) });
  }
  return calls;
}

function readTools(r: BodyReader): ToolDefinition[] | undefined {
  const value = r.body.tools;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return r.problem('tools', 'expected an array');
  const tools: ToolDefinition[] = [];
  for (const [i, tool] of value.entries()) {
    if (!isObject(tool) || tool.type !== 'function' || !isObject(tool.function)) {
      return r.problem(`tools[${i}]`, 'expected {type: "function", function: {name, description?, parameters?}}');
    }
    const fn = tool.function;
    if (!checkToolName(r, fn.name, `tools[${i}].function.name`, OPENAI_TOOL_NAME) || !checkToolSchema(r, fn.parameters, `tools[${i}].function.parameters`)) {
      return undefined;
    }
    tools.push({
      name: fn.name,
      ...(typeof fn.description === 'string' ? { description: fn.description } : {}),
      parameters: isObject(fn.parameters) ? fn.parameters : { type: 'object', properties: {} },
      // dropped, the provider would answer arguments its schema does not hold
      ...(typeof fn.strict === 'boolean' ? { strict: fn.strict } : {}),
    });
  }
  return tools;
}

function readToolChoice(r: BodyReader): ToolChoice | undefined {
  const value = r.body.tool_choice;
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isObject(value) && value.type === 'function' && isObject(value.function) && typeof value.function.name === 'string') return { name: value.function.name };
  return r.problem('tool_choice', 'expected "auto", "none", "required" or {type: "function", function: {name}}');
}

// ---- responses ----

export function completionId(requestId: string): string {
  return `chatcmpl-${requestId}`;
}

function openAiFinishReason(reason: FinishReason): string {
  return reason === 'error' ? 'stop' : reason;
}

export function openAiUsage(usage: TokenUsage, costUsd: string | null): Json {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    // always there, as OpenAI sends them: apps read usage.prompt_tokens_details.cached_tokens unguarded
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
    cost_usd: costUsd,
  };
}

/** One output token's logprob as OpenAI writes it (chat completions and the Responses API alike). */
export function openAiTokenLogprob(t: OutputTokenLogprob): Json {
  return {
    token: t.token,
    logprob: t.logprob,
    bytes: t.bytes,
    top_logprobs: t.topLogprobs.map((alt) => ({ token: alt.token, logprob: alt.logprob, bytes: alt.bytes })),
  };
}

function openAiLogprobs(logprobs: Logprobs): Json {
  return { content: logprobs.content?.map(openAiTokenLogprob) ?? null, refusal: logprobs.refusal?.map(openAiTokenLogprob) ?? null };
}

function openAiChoice(choice: GeneratedChoice, index: number): Json {
  const toolCalls = choice.toolCalls ?? [];
  return {
    index,
    message: {
      role: 'assistant',
      // as OpenAI answers: no content beside tool calls or a refusal
      content: choice.text === '' && (toolCalls.length > 0 || choice.refusal !== undefined) ? null : choice.text,
      // the model's reasoning, where Groq answers it (message.reasoning); absent when it showed none
      ...reasoningField(choice.reasoning),
      // an Anthropic model's signed thinking, to pass back in the next turn; absent when there is none
      ...thinkingBlocksField(signedThinkingBlocks(choice.reasoning)),
      refusal: choice.refusal ?? null,
      ...(toolCalls.length > 0
        ? { tool_calls: toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
        : {}),
    },
    logprobs: choice.logprobs ? openAiLogprobs(choice.logprobs) : null,
    finish_reason: openAiFinishReason(choice.finishReason),
  };
}

/** The text of a choice's reasoning as `{reasoning}`, or nothing when it has none to show. */
function reasoningField(reasoning: ReasoningBlock[] | undefined): Json {
  const text = reasoningTextOf(reasoning);
  return text === '' ? {} : { reasoning: text };
}

/** Signed thinking blocks as `{thinking_blocks}`, or nothing when there are none. */
function thinkingBlocksField(blocks: ReasoningBlock[]): Json {
  return blocks.length === 0 ? {} : { thinking_blocks: blocks.map(thinkingBlockJson) };
}

/** A genuine ChatCompletion, so the OpenAI SDK parses it; `model` is `provider/model`. With n > 1, one choice per answer, index 0…n-1. */
export function toChatCompletion(outcome: GenerationOutcome): Json {
  const first = openAiChoice(outcome, 0);
  return {
    id: completionId(outcome.requestId),
    object: 'chat.completion',
    created: Math.floor(outcome.createdAt.getTime() / 1000),
    model: outcome.target.id,
    choices: outcome.extraChoices ? [first, ...outcome.extraChoices.map((choice, i) => openAiChoice(choice, i + 1))] : [first],
    usage: openAiUsage(outcome.usage, outcome.costUsd),
    system_fingerprint: null,
    request_id: outcome.requestId,
    requested_model: outcome.requestedModel,
    attempts: outcome.attempts,
  };
}

/**
 * Builds chat.completion.chunk objects for one stream. With n > 1 every chunk's choice keeps the
 * index the provider gave it; a choice after the first opens with `role` in its first delta (the
 * first choice's opens the stream), and the finish chunk carries every choice's finish_reason.
 */
export class OpenAiChunkWriter {
  private id = '';
  private created = 0;
  private model = '';
  /** the choices after the first whose first delta (with `role`) went out */
  private opened: Set<number> | undefined;
  /** an Anthropic model's thinking blocks so far, and the text of the one still open (its signature closes it) */
  private thinkingBlocks: ReasoningBlock[] | undefined;
  private thinkingText = '';

  start(start: StreamStart): Json {
    this.id = completionId(start.requestId);
    this.created = Math.floor(start.createdAt.getTime() / 1000);
    this.model = start.target.id;
    return this.chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
  }

  event(event: StreamEvent): Json | undefined {
    switch (event.type) {
      case 'thinking':
        this.thinkingText += event.text;
        return this.chunk([{ index: 0, delta: { reasoning: event.text }, logprobs: null, finish_reason: null }]);
      case 'thinking_signature':
        return this.thinkingBlock({ type: 'thinking', thinking: this.thinkingText, signature: event.signature });
      case 'redacted_thinking':
        return this.thinkingBlock({ type: 'redacted_thinking', data: event.data });
      case 'text':
        return this.chunk([
          {
            index: event.choice ?? 0,
            delta: this.delta(event.choice, { content: event.text }),
            logprobs: event.logprobs ? { content: event.logprobs.map(openAiTokenLogprob), refusal: null } : null,
            finish_reason: null,
          },
        ]);
      case 'refusal':
        return this.chunk([
          {
            index: event.choice ?? 0,
            delta: this.delta(event.choice, { refusal: event.text }),
            logprobs: event.logprobs ? { content: null, refusal: event.logprobs.map(openAiTokenLogprob) } : null,
            finish_reason: null,
          },
        ]);
      case 'tool_call_delta':
        return this.chunk([
          {
            index: event.choice ?? 0,
            delta: this.delta(event.choice, {
              tool_calls: [
                {
                  index: event.index,
                  ...(event.id ? { id: event.id, type: 'function' } : {}),
                  function: { ...(event.name ? { name: event.name } : {}), arguments: event.argumentsDelta ?? '' },
                },
              ],
            }),
            logprobs: null,
            finish_reason: null,
          },
        ]);
      case 'finish': {
        const first = { index: 0, delta: {}, logprobs: null, finish_reason: openAiFinishReason(event.finishReason) };
        if (!event.otherFinishes) return this.chunk([first]);
        const others = event.otherFinishes.map((f) => ({
          index: f.choice,
          // a choice that sent nothing still opens with its role
          delta: this.delta(f.choice, {}),
          logprobs: null,
          finish_reason: openAiFinishReason(f.finishReason),
        }));
        return this.chunk([first, ...others]);
      }
      default:
        return undefined;
    }
  }

  /**
   * A finished thinking block: a chunk whose `thinking_blocks` holds every block of the answer so far, so that
   * the last one a client saw (the OpenAI SDK's stream helper keeps the last value of such a field) is the
   * whole list to pass back.
   */
  private thinkingBlock(block: ReasoningBlock): Json {
    this.thinkingText = '';
    this.thinkingBlocks ??= [];
    this.thinkingBlocks.push(block);
    return this.chunk([{ index: 0, delta: { thinking_blocks: this.thinkingBlocks.map(thinkingBlockJson) }, logprobs: null, finish_reason: null }]);
  }

  /** A choice's delta, with `role` added to the first one of a choice after the first. */
  private delta(choice: number | undefined, delta: Json): Json {
    if (choice === undefined || choice === 0) return delta;
    this.opened ??= new Set();
    if (this.opened.has(choice)) return delta;
    this.opened.add(choice);
    return { role: 'assistant', ...(Object.keys(delta).length === 0 ? { content: '' } : delta) };
  }

  /** The usage chunk OpenAI sends when stream_options.include_usage is set (choices empty), with cost_usd added. */
  usage(summary: StreamSummary): Json {
    return { ...this.chunk([]), usage: openAiUsage(summary.usage, summary.costUsd) };
  }

  private chunk(choices: Json[]): Json {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, system_fingerprint: null, choices };
  }
}
