/**
 * OpenAI wire format (and Groq's copy of it under /openai/v1): chat
 * completions (JSON and SSE, with response_format and logprobs as in
 * structured-output.ts, and `n` choices as in tokens.ts; Groq refuses
 * logprobs and n > 1 as the real one does; both refuse more than 4 stop sequences), embeddings, image generations
 * and models. Groq's reasoning models (gpt-oss, qwen3) reason before they answer, shown as include_reasoning and
 * reasoning_format say (groqReasoning).
 */
import type { Exchange } from './exchange';
import { sendError, sendJson, sendSse, writeJson } from './respond';
import type { SimDirective } from './directives';
import { contentLogprobs, minimalInstance, structuredReply, tokensOf } from './structured-output';
import { embeddingInputTokens, imageOutputTokens, inputTokensFor, outputTokensFor, replyChunks, replyText, stripDirectives, countWords } from './tokens';

export type OpenAiFlavour = 'openai' | 'groq';

/** A valid 1×1 transparent PNG. */
export const TINY_PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
export const TINY_PNG = Buffer.from(TINY_PNG_BASE64, 'base64');

export const OPENAI_MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'text-embedding-3-small',
  'text-embedding-3-large',
  'dall-e-3',
  'gpt-image-1',
];
export const GROQ_MODELS = ['llama-3.3-70b-versatile', 'llama-3.1-8b-instant', 'openai/gpt-oss-20b', 'qwen/qwen3-32b'];

/** Groq's reasoning models: they reason before they answer, and show it as include_reasoning or reasoning_format say. */
const GROQ_REASONING_MODELS = /^(openai\/gpt-oss|qwen\/qwen3)/;
const DEFAULT_REASONING_TOKENS = 6;

/** The reasoning a Groq reasoning model shows: `parsed` in message.reasoning, `raw` in think tags before the content, or `hidden`. */
interface GroqReasoning {
  shown: 'parsed' | 'raw' | 'hidden';
  text: string;
  tokens: number;
}

/**
 * The reasoning of a Groq reasoning model's answer (`reasonN` words, `thinking_tokens` of them, default 6), or the
 * message of Groq's 400 when include_reasoning and reasoning_format are both given. gpt-oss shows it parsed unless
 * include_reasoning is false; qwen3 raw unless reasoning_format says otherwise (parsed with tools or JSON mode).
 */
function groqReasoning(body: any, flavour: OpenAiFlavour, directive: SimDirective): GroqReasoning | string | undefined {
  if (flavour !== 'groq' || !GROQ_REASONING_MODELS.test(body.model)) return undefined;
  const format = body.reasoning_format;
  if (body.include_reasoning != null && format != null) return '`include_reasoning` and `reasoning_format` are mutually exclusive';
  const tokens = directive.thinkingTokens ?? DEFAULT_REASONING_TOKENS;
  const text = Array.from({ length: tokens }, (_, i) => `reason${i + 1}`).join(' ');
  const toolsOrJson = Array.isArray(body.tools) || body.response_format != null;
  let shown: GroqReasoning['shown'];
  if (body.include_reasoning === false || format === 'hidden') shown = 'hidden';
  else if (format === 'parsed' || format === 'raw') shown = format;
  else shown = body.model.startsWith('openai/gpt-oss') || toolsOrJson ? 'parsed' : 'raw';
  return { shown, text, tokens };
}

const MODEL_CREATED = 1_700_000_000;

function modelObject(id: string, flavour: OpenAiFlavour): Record<string, unknown> {
  const owner = flavour === 'groq' ? 'Groq' : 'system';
  return { id, object: 'model', created: MODEL_CREATED, owned_by: owner, ...(flavour === 'groq' ? { active: true } : {}) };
}

// Static answers are serialised once.
const MODEL_LISTS: Record<OpenAiFlavour, string> = {
  openai: JSON.stringify({ object: 'list', data: OPENAI_MODELS.map((id) => modelObject(id, 'openai')) }),
  groq: JSON.stringify({ object: 'list', data: GROQ_MODELS.map((id) => modelObject(id, 'groq')) }),
};

export function listModels(ex: Exchange, flavour: OpenAiFlavour): void {
  writeJson(ex, 200, MODEL_LISTS[flavour]);
}

export function getModel(ex: Exchange, flavour: OpenAiFlavour, id: string): void {
  const known = flavour === 'groq' ? GROQ_MODELS : OPENAI_MODELS;
  if (!known.includes(id)) return sendError(ex, 'no_model', `The model \`${id}\` does not exist or you do not have access to it.`);
  writeJson(ex, 200, JSON.stringify(modelObject(id, flavour)));
}

function optionalNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** With the `cached_tokens` and `reasoning_tokens` directives, that part of the prompt / output (never more than all of it). */
function openAiUsage(input: number, output: number, directive: SimDirective = {}): Record<string, unknown> {
  const cached = Math.min(directive.cachedTokens ?? 0, input);
  const reasoning = Math.min(directive.reasoningTokens ?? 0, output);
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

// Groq reports timings beside the token counts; fixed values keep it deterministic.
function groqUsage(input: number, output: number): Record<string, unknown> {
  return {
    queue_time: 0.0001,
    prompt_tokens: input,
    prompt_time: 0.001,
    completion_tokens: output,
    completion_time: 0.01,
    total_tokens: input + output,
    total_time: 0.0111,
  };
}

export function chatCompletion(ex: Exchange, body: any, flavour: OpenAiFlavour): void {
  if (!body || typeof body !== 'object' || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    return sendError(ex, 'invalid', "'model' and 'messages' are required properties.");
  }
  const maxTokens = optionalNumber(body.max_completion_tokens) ?? optionalNumber(body.max_tokens);
  const choices = optionalNumber(body.n) ?? 1;
  const choicesProblem = choiceCountProblem(choices, flavour);
  if (choicesProblem) return sendError(ex, 'invalid', choicesProblem);
  if (Array.isArray(body.stop) && body.stop.length > 4) {
    const problem = `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${body.stop.length} instead.`;
    return sendError(ex, 'invalid', problem, undefined, 'stop');
  }
  const badFile = fileProblem(body.messages);
  if (badFile) return sendError(ex, 'invalid', badFile, undefined, 'messages');
  const input = inputTokensFor(body.messages);
  const reasoning = groqReasoning(body, flavour, ex.directive);
  if (typeof reasoning === 'string') return sendError(ex, 'invalid', reasoning, undefined, 'include_reasoning');
  // per choice; the usage counts every choice's (a reasoning model's reasoning too)
  const output = outputTokensFor(ex.directive.outputTokens, maxTokens) + (reasoning?.tokens ?? 0);
  const finishReason = maxTokens !== undefined && output >= maxTokens ? 'length' : 'stop';
  ex.log.usage = { input_tokens: input, output_tokens: choices * output };
  const id = `chatcmpl-sim${ex.seq}`;
  const created = Math.floor(Date.now() / 1000);
  // response_format and logprobs (structured-output.ts); without them the reply is the plain words, as before
  let reply: TokenReply | undefined;
  if (body.response_format != null || body.logprobs === true) {
    const problem = structuredRequestProblem(body, flavour);
    if (problem) return sendError(ex, 'invalid', problem.message, undefined, problem.param);
    const text = structuredReply(body.response_format) ?? replyText(output);
    reply = { text, logprobs: body.logprobs === true ? (optionalNumber(body.top_logprobs) ?? 0) : undefined };
  }
  const includeUsage = body.stream_options?.include_usage === true;
  if (ex.directive.refusal) return answerRefusal(ex, { id, created, model: body.model, input, includeUsage, flavour });
  const calls = forcedCalls(body, ex.directive.tool);
  if (calls === null) return sendError(ex, 'invalid', "Invalid value for 'tool_choice': it names no function of 'tools'.", undefined, 'tool_choice');
  if (calls) return answerToolCalls(ex, { id, created, model: body.model, input, output, choices: 1, finishReason, includeUsage, flavour, reply }, calls);
  if (body.stream === true) {
    return streamChat(ex, { id, created, model: body.model, input, output, choices, finishReason, includeUsage, flavour, reply, reasoning });
  }
  const words = output - (reasoning?.tokens ?? 0);
  const usage = flavour === 'groq' ? groqUsage(input, choices * output) : openAiUsage(input, choices * output, ex.directive);
  sendJson(ex, {
    id,
    object: 'chat.completion',
    created,
    model: body.model,
    choices: Array.from({ length: choices }, (_, index) => ({
      index,
      message: {
        role: 'assistant',
        content: (reasoning?.shown === 'raw' ? `<think>${reasoning.text}</think>` : '') + (reply ? reply.text : replyText(words, index)),
        ...(reasoning?.shown === 'parsed' ? { reasoning: reasoning.text } : {}),
        refusal: null,
        annotations: [],
      },
      logprobs: reply?.logprobs !== undefined ? { content: contentLogprobs(tokensOf(reply.text), reply.logprobs), refusal: null } : null,
      finish_reason: finishReason,
    })),
    usage,
    ...(flavour === 'groq' ? { x_groq: { id: `req_sim${ex.seq}` } } : { service_tier: 'default' }),
    system_fingerprint: 'fp_sim',
  });
}

interface SimToolCall {
  id: string;
  name: string;
  arguments: string;
}

/**
 * The calls a `tool_choice` of `required` (the tools the `tool` directive names, comma-separated, else the first)
 * or `{type: "function"}` makes, each with the smallest arguments its parameters schema takes (structured-output.ts):
 * undefined without such a choice, null when it names no tool of the request.
 */
function forcedCalls(body: any, chosen: string | undefined): Omit<SimToolCall, 'id'>[] | null | undefined {
  const tools: any[] = Array.isArray(body.tools) ? body.tools.filter((t: any) => t?.type === 'function') : [];
  let names: unknown[];
  if (body.tool_choice === 'required') names = chosen === undefined ? [tools[0]?.function?.name] : chosen.split(',');
  else if (body.tool_choice?.type === 'function') names = [body.tool_choice.function?.name];
  else return undefined;
  const found = names.map((name) => tools.find((t) => t.function?.name === name));
  if (found.length === 0 || found.some((t) => t === undefined)) return null;
  return found.map((t) => ({ name: t.function.name, arguments: JSON.stringify(minimalInstance(t.function.parameters ?? {})) }));
}

/** The frames of one streamed completion: a chunk of choice 0's delta (and finish), and the usage chunk after them. */
function chunksOf(s: { id: string; created: number; model: string }) {
  const head = { id: s.id, object: 'chat.completion.chunk', created: s.created, model: s.model, system_fingerprint: 'fp_sim' };
  return {
    chunk: (delta: unknown, finish: string | null = null): string =>
      `data: ${JSON.stringify({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`,
    usageChunk: (usage: unknown): string => `data: ${JSON.stringify({ ...head, choices: [], usage })}\n\n`,
  };
}

/** A forced tool choice answered as OpenAI does: the calls (finish_reason tool_calls), streamed as an id/name delta then argument pieces. */
function answerToolCalls(ex: Exchange, s: ChatStreamSpec, forced: Omit<SimToolCall, 'id'>[]): void {
  const calls = forced.map((call, i) => ({ id: `call_sim${ex.seq}_${i}`, ...call }));
  const usage = s.flavour === 'groq' ? groqUsage(s.input, s.output) : openAiUsage(s.input, s.output, ex.directive);
  const toolCalls = calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } }));
  if (ex.log.body?.stream !== true) {
    return sendJson(ex, {
      id: s.id,
      object: 'chat.completion',
      created: s.created,
      model: s.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, refusal: null, tool_calls: toolCalls, annotations: [] },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage,
      system_fingerprint: 'fp_sim',
    });
  }
  const { chunk, usageChunk } = chunksOf(s);
  const frames = [chunk({ role: 'assistant', content: null })];
  calls.forEach((c, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    for (const piece of tokensOf(c.arguments)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
  });
  frames.push(chunk({}, 'tool_calls'));
  if (s.includeUsage) frames.push(usageChunk(usage));
  frames.push('data: [DONE]\n\n');
  sendSse(ex, frames, 2, 'data: {"id":"sim-malformed", <not json>\n\n');
}

/** What the simulated model says when it declines (the `refusal` directive). */
export const SIM_REFUSAL = "I'm sorry, I can't help with that request.";

/**
 * The model declines, as OpenAI answers under structured outputs: `message.refusal` holds its words, `content` is
 * null and finish_reason is stop; streamed, the words come as `delta.refusal` pieces (one token each, or `chunks`).
 */
function answerRefusal(ex: Exchange, s: { id: string; created: number; model: string; input: number; includeUsage: boolean; flavour: OpenAiFlavour }): void {
  const tokens = tokensOf(SIM_REFUSAL);
  const output = tokens.length;
  ex.log.usage = { input_tokens: s.input, output_tokens: output };
  const usage = s.flavour === 'groq' ? groqUsage(s.input, output) : openAiUsage(s.input, output, ex.directive);
  if (ex.log.body?.stream !== true) {
    return sendJson(ex, {
      id: s.id,
      object: 'chat.completion',
      created: s.created,
      model: s.model,
      choices: [{ index: 0, message: { role: 'assistant', content: null, refusal: SIM_REFUSAL, annotations: [] }, logprobs: null, finish_reason: 'stop' }],
      usage,
      system_fingerprint: 'fp_sim',
    });
  }
  const { chunk, usageChunk } = chunksOf(s);
  const frames = [chunk({ role: 'assistant', content: null, refusal: '' })];
  const count = Math.min(Math.max(1, ex.directive.chunks ?? tokens.length), tokens.length);
  for (let c = 0; c < count; c++) {
    frames.push(chunk({ refusal: tokens.slice(Math.floor((c * tokens.length) / count), Math.floor(((c + 1) * tokens.length) / count)).join('') }));
  }
  frames.push(chunk({}, 'stop'));
  if (s.includeUsage) frames.push(usageChunk(usage));
  frames.push('data: [DONE]\n\n');
  sendSse(ex, frames, 2, 'data: {"id":"sim-malformed", <not json>\n\n');
}

/** What the real APIs answer for `n`: OpenAI takes 1 to 128, Groq only 1. */
function choiceCountProblem(n: number, flavour: OpenAiFlavour): string | undefined {
  if (flavour === 'groq' && n !== 1) return "'n' : number must be at most 1";
  if (!Number.isInteger(n) || n < 1) return `Invalid 'n': integer below minimum value. Expected a value >= 1, but got ${n} instead.`;
  if (n > 128) return `Invalid 'n': integer above maximum value. Expected a value <= 128, but got ${n} instead.`;
  return undefined;
}

/** A reply other than the plain words: JSON for a response_format, and/or with logprobs (top_logprobs count). */
interface TokenReply {
  text: string;
  logprobs: number | undefined;
}

/** What the real APIs refuse about response_format and logprobs, as their 400 message and the field it names. */
function structuredRequestProblem(body: any, flavour: OpenAiFlavour): { message: string; param: string | null } | undefined {
  if (body.logprobs === true && flavour === 'groq') return { message: '`logprobs` is not supported', param: null };
  const format = body.response_format;
  if (format?.type === 'json_object' && !JSON.stringify(body.messages).toLowerCase().includes('json')) {
    return { message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", param: 'messages' };
  }
  if (format?.type === 'json_schema' && (typeof format.json_schema?.name !== 'string' || format.json_schema.name === '')) {
    return { message: "Missing required parameter: 'response_format.json_schema.name'.", param: 'response_format.json_schema.name' };
  }
  return undefined;
}

/** The reply's tokens in `count` stream pieces (default one token per piece), each with its logprobs when asked for. */
function tokenPieces(reply: TokenReply, count: number | undefined): { text: string; logprobs: string }[] {
  const tokens = tokensOf(reply.text);
  const n = Math.min(Math.max(1, count ?? tokens.length), tokens.length);
  const pieces: { text: string; logprobs: string }[] = [];
  for (let c = 0; c < n; c++) {
    const from = Math.floor((c * tokens.length) / n);
    const part = tokens.slice(from, Math.floor(((c + 1) * tokens.length) / n));
    const logprobs = reply.logprobs === undefined ? 'null' : JSON.stringify({ content: contentLogprobs(part, reply.logprobs, from), refusal: null });
    pieces.push({ text: part.join(''), logprobs });
  }
  return pieces;
}

interface ChatStreamSpec {
  id: string;
  created: number;
  model: string;
  input: number;
  /** per choice */
  output: number;
  choices: number;
  finishReason: string;
  includeUsage: boolean;
  flavour: OpenAiFlavour;
  reply: TokenReply | undefined;
  /** a Groq reasoning model's, streamed before the content (its tokens are part of `output`) */
  reasoning?: GroqReasoning;
}

function streamChat(ex: Exchange, s: ChatStreamSpec): void {
  // Every chunk shares this prefix; building it once keeps per-chunk work to one string concat.
  const head =
    `data: {"id":"${s.id}","object":"chat.completion.chunk","created":${s.created},` +
    `"model":${JSON.stringify(s.model)},"system_fingerprint":"fp_sim","choices":`;
  const usageNull = s.includeUsage ? ',"usage":null' : '';
  const xGroq = `"x_groq":{"id":"req_sim${ex.seq}"`;
  const tail = (extra = ''): string => `${usageNull}${extra}}\n\n`;
  const choice = (index: number, delta: string, finish: string | null, logprobs = 'null'): string =>
    `[{"index":${index},"delta":${delta},"logprobs":${logprobs},"finish_reason":${finish === null ? 'null' : `"${finish}"`}}]`;

  // each choice opens with its role, then the choices' pieces alternate, then each finishes (as OpenAI streams n > 1)
  const frames: string[] = [];
  for (let c = 0; c < s.choices; c++) {
    frames.push(head + choice(c, '{"role":"assistant","content":""}', null) + tail(c === 0 && s.flavour === 'groq' ? `,${xGroq}}` : ''));
  }
  const reasoning = s.reasoning;
  if (reasoning && reasoning.shown !== 'hidden') {
    const delta = (text: string) => (reasoning.shown === 'parsed' ? { reasoning: text } : { content: text });
    const words = reasoning.text.split(' ').map((w, i) => (i === 0 ? w : ` ${w}`));
    if (reasoning.shown === 'raw') words.unshift('<think>');
    if (reasoning.shown === 'raw') words.push('</think>');
    for (const word of words) frames.push(head + choice(0, JSON.stringify(delta(word)), null) + tail());
  }
  const words = s.output - (reasoning?.tokens ?? 0);
  const pieces = Array.from({ length: s.choices }, (_, c) =>
    s.reply ? tokenPieces(s.reply, ex.directive.chunks) : replyChunks(words, ex.directive.chunks, c),
  );
  for (let p = 0; p < pieces[0].length; p++) {
    for (let c = 0; c < s.choices; c++) {
      const piece = pieces[c][p];
      frames.push(
        typeof piece === 'string'
          ? head + choice(c, `{"content":${JSON.stringify(piece)}}`, null) + tail()
          : head + choice(c, `{"content":${JSON.stringify(piece.text)}}`, null, piece.logprobs) + tail(),
      );
    }
  }
  const output = s.choices * s.output;
  const groqFinal = s.flavour === 'groq' ? `,${xGroq},"usage":${JSON.stringify(groqUsage(s.input, output))}}` : '';
  for (let c = 0; c < s.choices; c++) frames.push(head + choice(c, '{}', s.finishReason) + tail(c === s.choices - 1 ? groqFinal : ''));
  if (s.includeUsage) {
    const usage = s.flavour === 'groq' ? groqUsage(s.input, output) : openAiUsage(s.input, output, ex.directive);
    frames.push(`${head}[],"usage":${JSON.stringify(usage)}}\n\n`);
  }
  frames.push('data: [DONE]\n\n');
  sendSse(ex, frames, s.choices * (1 + Math.ceil(pieces[0].length / 2)), 'data: {"id":"sim-malformed", <not json>\n\n');
}

/** Deterministic unit vector for `text` (FNV-1a seed, mulberry32 stream). Exported so tests can compare. */
export function embeddingVector(text: string, dimensions: number): number[] {
  let seed = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) seed = Math.imul(seed ^ text.charCodeAt(i), 0x01000193);
  const values = new Array<number>(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i++) {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const v = ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
    values[i] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm) || 1;
  // Rounded through float32 so the JSON and base64 encodings carry the same numbers.
  for (let i = 0; i < dimensions; i++) values[i] = Math.fround(values[i] / norm);
  return values;
}

export const DEFAULT_EMBEDDING_DIMENSIONS = 8;

function embeddingInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return [];
  if (typeof input[0] === 'number') return [input.join(' ')];
  return input.map((item) => (typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : ''));
}

export function embeddings(ex: Exchange, body: any): void {
  const inputs = body && typeof body === 'object' ? embeddingInputs(body.input) : [];
  if (typeof body?.model !== 'string' || inputs.length === 0) {
    return sendError(ex, 'invalid', "'model' and a non-empty 'input' are required.");
  }
  const dimensions = optionalNumber(body.dimensions) ?? DEFAULT_EMBEDDING_DIMENSIONS;
  const base64 = body.encoding_format === 'base64';
  const promptTokens = embeddingInputTokens(body.input);
  ex.log.usage = { input_tokens: promptTokens, output_tokens: 0 };
  sendJson(ex, {
    object: 'list',
    data: inputs.map((text, index) => {
      const vector = embeddingVector(stripDirectives(text), dimensions);
      const embedding = base64 ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    }),
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

export function imageGeneration(ex: Exchange, body: any): void {
  if (!body || typeof body !== 'object' || typeof body.prompt !== 'string') {
    return sendError(ex, 'invalid', "'prompt' is a required property.");
  }
  const model: string = typeof body.model === 'string' ? body.model : 'dall-e-2';
  const n = optionalNumber(body.n) ?? 1;
  const size: string = typeof body.size === 'string' ? body.size : '1024x1024';
  const gptImage = model.startsWith('gpt-image');
  // gpt-image-* only ever answers base64; DALL·E defaults to URLs.
  const asB64 = gptImage || body.response_format === 'b64_json';
  const data = Array.from({ length: n }, (_, i) => {
    const image: Record<string, unknown> = asB64 ? { b64_json: TINY_PNG_BASE64 } : { url: `${ex.baseUrl}/sim-images/img-${ex.seq}-${i}.png` };
    if (model === 'dall-e-3') image.revised_prompt = stripDirectives(body.prompt).trim();
    return image;
  });
  const response: Record<string, unknown> = { created: Math.floor(Date.now() / 1000), data };
  if (gptImage) {
    const quality: string = typeof body.quality === 'string' && body.quality !== 'auto' ? body.quality : 'medium';
    const input = Math.max(1, countWords(stripDirectives(body.prompt)));
    const output = n * imageOutputTokens(size, quality);
    ex.log.usage = { input_tokens: input, output_tokens: output };
    Object.assign(response, {
      background: 'opaque',
      output_format: 'png',
      quality,
      size,
      usage: {
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        input_tokens_details: { text_tokens: input, image_tokens: 0 },
      },
    });
  }
  sendJson(ex, response);
}

/** GET /sim-images/*.png: what the URLs of URL-format images point to. */
export function imageFile(ex: Exchange): void {
  ex.res.writeHead(200, { 'content-type': 'image/png', 'content-length': TINY_PNG.length });
  ex.res.end(TINY_PNG);
}

/** As OpenAI checks a file part: its file_data a data: URL of a PDF (the simulator takes no uploaded file ids). */
function fileProblem(messages: any[]): string | undefined {
  for (const [i, message] of messages.entries()) {
    if (!Array.isArray(message?.content)) continue;
    for (const [j, part] of message.content.entries()) {
      if (part?.type !== 'file') continue;
      const data = part.file?.file_data;
      if (typeof data !== 'string' || !data.startsWith('data:application/pdf;base64,')) {
        return `Invalid 'messages[${i}].content[${j}].file.file_data': expected a base64-encoded data URL of a PDF.`;
      }
    }
  }
  return undefined;
}
