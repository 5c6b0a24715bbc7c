import type { GenerationInput, TemplateInput } from '../../generation/generation.types';
import {
  ChatMessage,
  ContentPart,
  DocumentPart,
  REASONING_EFFORTS,
  VERBOSITIES,
  ResponseFormat,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from '../../providers/llm-provider';
import { BodyReader, imageUrlProblem, isObject, Json, MAX_MESSAGES, MAX_OUTPUT_TOKENS, readTemplate } from './body-reader';
import { documentUrlProblem, pdfFileData, documentPart } from './document-parts';
import { checkIgnoredRequestSettings, SCHEMA_NAME } from './openai-chat.format';
import { checkThinkingOptions, checkThinkingPassedBack, decodeThinkingBlock, readThinking } from './thinking-fields';
import { checkToolName, checkToolSchema, checkToolSet, OPENAI_TOOL_NAME } from './tool-checks';

/**
 * What a /v1/responses answer repeats of its request, as OpenAI's Response object does
 * (instructions, tools, text, …): the same object for every answer and event of the call.
 */
export type ResponsesEcho = Json;

/** A /v1/responses body, read into the neutral shape. */
export interface ParsedResponsesRequest {
  model: string;
  system?: string;
  messages: ChatMessage[];
  /** every neutral option this API has a field for (stop and n it has not; cache control is Anthropic's) */
  params: Omit<GenerationInput['params'], 'stop' | 'n' | 'cacheControl'>;
  stream: boolean;
  echo: ResponsesEcho;
  template?: TemplateInput;
  variables?: Record<string, unknown>;
  fallbacks?: string[];
  metadata?: Record<string, unknown>;
  subject?: string;
}

/**
 * The OpenAI Responses API, stateless. Read: model, input (a string, or message,
 * function_call and function_call_output items), instructions, max_output_tokens,
 * temperature, top_p, tools (function tools), tool_choice, parallel_tool_calls,
 * text.format, stream, metadata, user, include `message.output_text.logprobs` with top_logprobs
 * (the output text's logprobs, from the providers that answer them), reasoning.effort and
 * text.verbosity (as the chat API's reasoning_effort and verbosity), Anthropic's thinking (its signed
 * blocks answered as reasoning items holding each in encrypted_content, and read back from them); and LLMHub's template,
 * variables and fallbacks. Accepted and ignored: store (nothing is stored), reasoning.summary
 * (a reasoning item LLMHub answers holds the reasoning's own text, no summary), truncation,
 * the other include values, top_logprobs without that include (OpenAI then answers no logprobs
 * either), max_tool_calls, service_tier, prompt_cache_key, safety_identifier, stream_options,
 * and reasoning items in input that hold no thinking block of LLMHub's (OpenAI's own, unsigned
 * reasoning text), which no provider here takes back.
 * Refused with a 400 naming the field: previous_response_id and conversation (LLMHub keeps
 * no state: the history goes in input), background, prompt, built-in tools, file and audio
 * inputs, item references, and the chat completions spellings messages, response_format and
 * max_tokens.
 */
export function parseResponsesRequest(body: unknown): ParsedResponsesRequest {
  const r = BodyReader.of(body);
  rejectStatefulFields(r);
  const template = readTemplate(r);
  const model = r.string('model', { required: true, max: 200 });
  const instructions = r.string('instructions');
  const messages = readInput(r, template === undefined);
  const maxTokens = r.number('max_output_tokens', { integer: true, min: 1, max: MAX_OUTPUT_TOKENS });
  const temperature = r.number('temperature', { min: 0, max: 2 });
  const topP = r.number('top_p', { min: 0, max: 1 });
  const tools = readTools(r);
  const toolChoice = readToolChoice(r);
  checkToolSet(r, tools, toolChoice, { name: (i) => `tools[${i}].name`, choice: 'tool_choice', required: '"required"' });
  const parallelToolCalls = r.boolean('parallel_tool_calls');
  const text = r.object('text');
  const responseFormat = readTextFormat(r, text);
  const { logprobs, topLogprobs } = readLogprobs(r);
  // reasoning.summary is accepted and ignored: a reasoning item holds the reasoning's text, no summary
  const reasoningEffort = r.oneOf('effort', REASONING_EFFORTS, r.object('reasoning'), 'reasoning.effort');
  const verbosity = r.oneOf('verbosity', VERBOSITIES, text, 'text.verbosity');
  const thinking = readThinking(r, maxTokens, 'max_output_tokens');
  checkThinkingOptions(r, thinking, { toolChoice, jsonFormat: responseFormat !== undefined, formatField: 'text.format' });
  if (thinking && thinking.type !== 'disabled' && messages) checkThinkingPassedBack(r, messages, () => 'input');
  const stream = r.boolean('stream') ?? false;
  checkIgnoredRequestSettings(r);
  const metadata = r.metadata('metadata');
  const user = r.string('user', { max: 200 });
  const variables = r.object('variables');
  const fallbacks = r.stringList('fallbacks', { max: 10 });
  const subject = r.string('subject', { max: 200 }) ?? user;
  r.done();
  return {
    model: model!,
    ...(instructions !== undefined && instructions !== '' ? { system: instructions } : {}),
    messages: messages ?? [],
    params: {
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      ...(temperature !== undefined ? { temperature } : {}),
      ...(topP !== undefined ? { topP } : {}),
      ...(tools !== undefined && tools.length > 0 ? { tools } : {}),
      ...(toolChoice !== undefined ? { toolChoice } : {}),
      ...(parallelToolCalls === false ? { parallelToolCalls } : {}),
      ...(responseFormat !== undefined ? { responseFormat } : {}),
      ...(logprobs ? { logprobs, ...(topLogprobs !== undefined ? { topLogprobs } : {}) } : {}),
      ...(reasoningEffort !== undefined ? { reasoningEffort } : {}),
      ...(verbosity !== undefined ? { verbosity } : {}),
      ...(thinking !== undefined ? { thinking } : {}),
    },
    stream,
    echo: {
      instructions: instructions ?? null,
      max_output_tokens: maxTokens ?? null,
      temperature: temperature ?? null,
      top_p: topP ?? null,
      tools: r.has('tools') ? r.body.tools : [],
      tool_choice: r.has('tool_choice') ? r.body.tool_choice : 'auto',
      text: { format: responseFormat === undefined ? { type: 'text' } : text?.format, ...(verbosity ? { verbosity } : {}) },
      parallel_tool_calls: parallelToolCalls ?? true,
      top_logprobs: topLogprobs ?? 0,
      reasoning: { effort: reasoningEffort ?? null, summary: null },
      metadata: metadata ?? {},
      user: user ?? null,
    },
    ...(template ? { template } : {}),
    ...(variables ? { variables } : {}),
    ...(fallbacks ? { fallbacks } : {}),
    ...(metadata ? { metadata } : {}),
    ...(subject && template ? { subject } : {}),
  };
}

const STATELESS = 'LLMHub stores no responses or conversations: send the whole conversation in input';

/** Fields that need state LLMHub does not keep, or would silently change the answer if dropped. */
function rejectStatefulFields(r: BodyReader): void {
  if (r.has('previous_response_id')) r.unsupported('previous_response_id', STATELESS);
  if (r.has('conversation')) r.unsupported('conversation', STATELESS);
  if (r.body.background === true)
    r.unsupported('background', 'background responses are not supported (LLMHub stores no responses): send the request with background false');
  if (r.has('prompt')) r.unsupported('prompt', 'stored prompts are not supported; LLMHub’s own templates are the template field');
  // the chat completions spellings: dropped, the conversation, the JSON mode or the limit would be lost
  if (r.has('messages')) r.unsupported('messages', 'the conversation goes in input (messages is /v1/chat/completions’)');
  if (r.has('response_format')) r.unsupported('response_format', 'use text.format (response_format is /v1/chat/completions’)');
  if (r.has('max_tokens')) r.unsupported('max_tokens', 'use max_output_tokens');
}

/** What include asks for that changes the answer. */
const LOGPROBS_INCLUDE = 'message.output_text.logprobs';

/**
 * Logprobs as OpenAI's Responses API takes them: asked for by include `message.output_text.logprobs`,
 * with top_logprobs (0–20) alternatives per token. top_logprobs alone asks for nothing (OpenAI then
 * answers `logprobs: []` too). The other include values name output LLMHub does not produce.
 */
function readLogprobs(r: BodyReader): { logprobs: boolean; topLogprobs?: number } {
  const include = r.body.include;
  let logprobs = false;
  if (include !== undefined && include !== null) {
    if (!Array.isArray(include) || include.some((v) => typeof v !== 'string')) r.problem('include', 'expected an array of strings');
    else logprobs = include.includes(LOGPROBS_INCLUDE);
  }
  const topLogprobs = r.number('top_logprobs', { integer: true, min: 0, max: 20 });
  return { logprobs, ...(topLogprobs !== undefined ? { topLogprobs } : {}) };
}

// ---- input ----

function readInput(r: BodyReader, required: boolean): ChatMessage[] | undefined {
  const value = r.body.input;
  if (value === undefined || value === null) return required ? r.problem('input', 'required') : undefined;
  if (typeof value === 'string') return [{ role: 'user', content: value }];
  if (!Array.isArray(value) || (required && value.length === 0)) return r.problem('input', 'expected a string or a non-empty array of input items');
  if (value.length > MAX_MESSAGES) return r.problem('input', `at most ${MAX_MESSAGES} items`);
  const messages: ChatMessage[] = [];
  for (let i = 0; i < value.length; i++) readItem(r, value[i], `input[${i}]`, messages);
  return messages;
}

/** One input item, appended to `messages`: function calls join the assistant turn before them. */
function readItem(r: BodyReader, item: unknown, at: string, messages: ChatMessage[]): void {
  if (!isObject(item)) return void r.problem(at, 'expected an input item object');
  switch (item.type) {
    case undefined:
    case null:
    case 'message': {
      const message = readMessage(r, item, at);
      if (!message) return;
      // the answer's message joins the thinking before it, as its function calls do
      const last = messages[messages.length - 1];
      if (message.role === 'assistant' && last && thinkingOnly(last)) last.content = message.content;
      else messages.push(message);
      return;
    }
    case 'function_call': {
      const call = readFunctionCall(r, item, at);
      if (!call) return;
      const last = messages[messages.length - 1];
      if (last?.role === 'assistant') (last.toolCalls ??= []).push(call);
      else messages.push({ role: 'assistant', content: '', toolCalls: [call] });
      return;
    }
    case 'function_call_output': {
      if (typeof item.call_id !== 'string' || item.call_id === '') return void r.problem(`${at}.call_id`, 'required');
      const content = readContent(r, item.output, `${at}.output`, 'tool');
      if (content !== undefined) messages.push({ role: 'tool', content, toolCallId: item.call_id });
      return;
    }
    case 'reasoning':
      return readReasoningItem(r, item, at, messages);
    case 'item_reference':
      return void r.problem(`${at}.type`, 'item_reference needs stored items; LLMHub stores none: send the item itself');
    default:
      return void r.problem(`${at}.type`, `${String(item.type)} items are not supported; expected message, function_call or function_call_output`);
  }
}

/**
 * A reasoning item of an earlier answer. One LLMHub answered for an anthropic model holds Claude's signed
 * thinking block in `encrypted_content`: it opens the assistant turn the answer's message and function calls
 * join, and goes back to Anthropic unchanged. Any other (OpenAI's own, a reasoning text with nothing signed)
 * is context no provider here takes back, and is left out.
 */
function readReasoningItem(r: BodyReader, item: Json, at: string, messages: ChatMessage[]): void {
  if (item.encrypted_content === undefined || item.encrypted_content === null) return;
  if (typeof item.encrypted_content !== 'string') return void r.problem(`${at}.encrypted_content`, 'expected a string');
  const block = decodeThinkingBlock(item.encrypted_content);
  if (!block) return;
  const last = messages[messages.length - 1];
  if (last && thinkingOnly(last)) (last.reasoning ??= []).push(block);
  else messages.push({ role: 'assistant', content: '', reasoning: [block] });
}

/** An assistant turn opened by reasoning items, which nothing else has joined yet. */
function thinkingOnly(message: ChatMessage): boolean {
  return message.role === 'assistant' && message.reasoning !== undefined && message.content === '' && !message.toolCalls;
}

function readFunctionCall(r: BodyReader, item: Json, at: string): ToolCall | undefined {
  if (typeof item.call_id !== 'string' || item.call_id === '') return r.problem(`${at}.call_id`, 'required');
  if (typeof item.name !== 'string' || item.name === '') return r.problem(`${at}.name`, 'required');
  if (typeof item.arguments !== 'string') return r.problem(`${at}.arguments`, 'expected a JSON string');
  return { id: item.call_id, name: item.name, arguments: item.arguments };
}

function readMessage(r: BodyReader, item: Json, at: string): ChatMessage | undefined {
  switch (item.role) {
    case 'system':
    case 'developer': {
      const content = readContent(r, item.content, `${at}.content`, 'system');
      return content === undefined ? undefined : { role: 'system', content: typeof content === 'string' ? content : textOf(content) };
    }
    case 'user': {
      const content = readContent(r, item.content, `${at}.content`, 'user');
      return content === undefined ? undefined : { role: 'user', content };
    }
    case 'assistant': {
      const content = readContent(r, item.content, `${at}.content`, 'assistant');
      return content === undefined ? undefined : { role: 'assistant', content };
    }
    default:
      return r.problem(`${at}.role`, 'expected user, assistant, system or developer');
  }
}

function textOf(parts: ContentPart[]): string {
  return parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** The part types each kind of content takes: images only from the user, output_text and refusal only from the assistant. */
type ContentKind = 'system' | 'user' | 'assistant' | 'tool';

const EXPECTED_PARTS: Record<ContentKind, string> = {
  system: 'an input_text part',
  user: 'an input_text, input_image or input_file part',
  assistant: 'an output_text, refusal or input_text part',
  tool: 'an input_text part',
};

function readContent(r: BodyReader, content: unknown, at: string, kind: ContentKind): string | ContentPart[] | undefined {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return r.problem(at, 'expected a string or an array of content parts');
  // a user turn with no parts would reach the provider as an empty turn (OpenAI and Anthropic refuse it), or vanish
  if (kind === 'user' && content.length === 0) return r.problem(at, 'expected at least one content part');
  const parts: ContentPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const part: unknown = content[i];
    const where = `${at}[${i}]`;
    if (!isObject(part)) return r.problem(where, `expected ${EXPECTED_PARTS[kind]}`);
    switch (part.type) {
      case 'input_text':
        if (typeof part.text !== 'string') return r.problem(`${where}.text`, 'expected a string');
        parts.push({ type: 'text', text: part.text });
        break;
      case 'output_text':
        if (kind !== 'assistant') return r.problem(`${where}.type`, `expected ${EXPECTED_PARTS[kind]}`);
        if (typeof part.text !== 'string') return r.problem(`${where}.text`, 'expected a string');
        parts.push({ type: 'text', text: part.text });
        break;
      case 'refusal':
        if (kind !== 'assistant') return r.problem(`${where}.type`, `expected ${EXPECTED_PARTS[kind]}`);
        if (typeof part.refusal !== 'string') return r.problem(`${where}.refusal`, 'expected a string');
        parts.push({ type: 'text', text: part.refusal });
        break;
      case 'input_image': {
        if (kind !== 'user') return r.problem(`${where}.type`, `expected ${EXPECTED_PARTS[kind]}`);
        const image = readImage(r, part, where);
        if (!image) return undefined;
        parts.push(image);
        break;
      }
      case 'input_file': {
        if (kind !== 'user') return r.problem(`${where}.type`, `expected ${EXPECTED_PARTS[kind]}`);
        const document = readFile(r, part, where);
        if (!document) return undefined;
        parts.push(document);
        break;
      }
      case 'input_audio':
        return r.problem(`${where}.type`, 'input_audio parts are not supported');
      default:
        return r.problem(`${where}.type`, `expected ${EXPECTED_PARTS[kind]}`);
    }
  }
  return parts;
}

function readImage(r: BodyReader, part: Json, at: string): ContentPart | undefined {
  if (typeof part.image_url !== 'string' || part.image_url === '') {
    return r.problem(`${at}.image_url`, part.file_id ? 'file_id needs OpenAI’s file storage: send image_url (an https or data: URL)' : 'required');
  }
  const detail = part.detail;
  if (detail !== undefined && detail !== null && detail !== 'auto' && detail !== 'low' && detail !== 'high') {
    return r.problem(`${at}.detail`, 'expected auto, low or high');
  }
  const problem = imageUrlProblem(part.image_url);
  if (problem) return r.problem(`${at}.image_url`, problem);
  return { type: 'image', url: part.image_url, ...(detail ? { detail } : {}) };
}

/** An input_file part: a PDF as `file_data` (a data: URL) or at `file_url`, named by `filename`; an uploaded file's id needs OpenAI's storage. */
function readFile(r: BodyReader, part: Json, at: string): DocumentPart | undefined {
  if (part.filename !== undefined && part.filename !== null && typeof part.filename !== 'string') return r.problem(`${at}.filename`, 'expected a string');
  if (typeof part.file_data === 'string') {
    const read = pdfFileData(part.file_data);
    return 'problem' in read ? r.problem(`${at}.file_data`, read.problem) : documentPart({ type: 'pdf', data: read.data }, part.filename);
  }
  if (typeof part.file_url === 'string') {
    const problem = documentUrlProblem(part.file_url);
    return problem ? r.problem(`${at}.file_url`, problem) : documentPart({ type: 'pdf_url', url: part.file_url }, part.filename);
  }
  const why = part.file_id !== undefined ? 'file_id needs OpenAI’s file storage: send file_data (a data:application/pdf;base64,… URL) or file_url' : 'required';
  return r.problem(`${at}.file_data`, why);
}

// ---- tools and output format ----

function readTools(r: BodyReader): ToolDefinition[] | undefined {
  const value = r.body.tools;
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) return r.problem('tools', 'expected an array');
  const tools: ToolDefinition[] = [];
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    if (!isObject(tool)) return r.problem(`tools[${i}]`, 'expected {type: "function", name, parameters?}');
    if (tool.type !== 'function') {
      return typeof tool.type === 'string'
        ? r.problem(`tools[${i}].type`, `${tool.type} is not supported: LLMHub runs no built-in tools; only function tools`)
        : r.problem(`tools[${i}].type`, 'expected "function"');
    }
    if (!checkToolName(r, tool.name, `tools[${i}].name`, OPENAI_TOOL_NAME) || !checkToolSchema(r, tool.parameters, `tools[${i}].parameters`)) return undefined;
    if (tool.strict !== undefined && tool.strict !== null && typeof tool.strict !== 'boolean') return r.problem(`tools[${i}].strict`, 'expected true or false');
    tools.push({
      name: tool.name,
      ...(typeof tool.description === 'string' ? { description: tool.description } : {}),
      parameters: isObject(tool.parameters) ? tool.parameters : { type: 'object', properties: {} },
      ...(typeof tool.strict === 'boolean' ? { strict: tool.strict } : {}),
    });
  }
  return tools;
}

function readToolChoice(r: BodyReader): ToolChoice | undefined {
  const value = r.body.tool_choice;
  if (value === undefined || value === null) return undefined;
  if (value === 'auto' || value === 'none' || value === 'required') return value;
  if (isObject(value) && value.type === 'function' && typeof value.name === 'string' && value.name !== '') return { name: value.name };
  if (isObject(value) && typeof value.type === 'string' && value.type !== 'function') {
    return r.problem('tool_choice', `${value.type} is not supported; expected "auto", "none", "required" or {type: "function", name}`);
  }
  return r.problem('tool_choice', 'expected "auto", "none", "required" or {type: "function", name}');
}

/**
 * text.format as OpenAI takes it: {"type":"text"} (the default: undefined), {"type":"json_object"},
 * or {"type":"json_schema", name, schema, strict?, description?}: chat's response_format, flattened.
 */
function readTextFormat(r: BodyReader, text: Json | undefined): ResponseFormat | undefined {
  const format = text?.format;
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) return r.problem('text.format', 'expected an object with a type: text, json_object or json_schema');
  switch (format.type) {
    case 'text':
      return undefined;
    case 'json_object':
      return { type: 'json_object' };
    case 'json_schema': {
      const { name, schema, strict, description } = format;
      if (typeof name !== 'string' || !SCHEMA_NAME.test(name)) return r.problem('text.format.name', 'expected 1 to 64 letters, digits, _ or -');
      if (!isObject(schema)) return r.problem('text.format.schema', 'expected a JSON schema object');
      if (strict !== undefined && strict !== null && typeof strict !== 'boolean') return r.problem('text.format.strict', 'expected true or false');
      if (description !== undefined && description !== null && typeof description !== 'string')
        return r.problem('text.format.description', 'expected a string');
      return {
        type: 'json_schema',
        jsonSchema: {
          name,
          ...(typeof description === 'string' ? { description } : {}),
          schema,
          ...(typeof strict === 'boolean' || strict === null ? { strict } : {}),
        },
      };
    }
    default:
      return r.problem('text.format.type', 'expected text, json_object or json_schema');
  }
}
