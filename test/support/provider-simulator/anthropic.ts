/**
 * Anthropic Messages API wire format: POST /v1/messages (JSON and SSE) and POST /v1/messages/count_tokens.
 * A `tool_choice` of `{type: "tool", name}` naming one of the request's tools, or `{type: "any"}`
 * (the tools the `tool` directive names, comma-separated, else the first), is answered as Anthropic does:
 * a tool_use block per tool (stop_reason `tool_use`) whose input is the smallest value that follows the
 * tool's input_schema (structured-output.ts), each streamed as input_json_delta pieces (one token each,
 * or `chunks` of them). Usage is counted as for a text reply (tokens.ts). The `refusal` directive ends the
 * reply with stop_reason `refusal` and its stop_details, as Claude's classifiers do (usage as for the words written).
 * A prompt whose tokens and max_tokens together exceed the 200,000-token context window is refused, as Anthropic refuses it.
 * With thinking on, the answer starts with a signed thinking block, and the thinking blocks passed back are checked
 * (anthropic-thinking.ts); its words are output tokens, within max_tokens. A document with citations enabled
 * is cited in the reply (anthropic-citations.ts).
 */
import { citationFor, citedTextFrames, replyTextBlocks } from './anthropic-citations';
import { historyProblem, thinkingAsk, thinkingFrames, thinkingReply, type ThinkingReply } from './anthropic-thinking';
import type { Exchange } from './exchange';
import { sendError, sendJson, sendSse } from './respond';
import { minimalInstance, tokensOf } from './structured-output';
import { cacheUsage, inputTokensFor, outputTokensFor, replyChunks, replyText, type CacheUsage } from './tokens';

/** Every Claude model's context window, in the simulator's tokens (words). */
const CONTEXT_WINDOW = 200_000;

/** The stop_details of a refusal, as Anthropic describes one. */
const REFUSAL_DETAILS = { type: 'refusal', category: 'cyber', explanation: 'The request could enable cyber harm.' };

function event(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

export function createMessage(ex: Exchange, body: any): void {
  if (!body || typeof body !== 'object' || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    return sendError(ex, 'invalid', 'model: Field required; messages: Field required');
  }
  if (typeof body.max_tokens !== 'number') return sendError(ex, 'invalid', 'max_tokens: Field required');
  // as Anthropic does: a stop sequence of whitespace only ("\n") is refused
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.some((s: unknown) => typeof s === 'string' && s.trim() === '')) {
    return sendError(ex, 'invalid', 'stop_sequences: each stop sequence must contain non-whitespace');
  }
  const badDocument = documentProblem(body.messages);
  if (badDocument) return sendError(ex, 'invalid', badDocument);
  const ask = thinkingAsk(body);
  if (typeof ask === 'string') return sendError(ex, 'invalid', ask);
  const badHistory = historyProblem(body.messages, ask);
  if (badHistory) return sendError(ex, 'invalid', badHistory);
  const total = inputTokensFor(body.messages, body.system);
  // as Anthropic does: the prompt and max_tokens together must fit the context window
  if (total + body.max_tokens > CONTEXT_WINDOW) {
    const sum = `${total} + ${body.max_tokens} > ${CONTEXT_WINDOW}`;
    return sendError(ex, 'invalid', `input length and \`max_tokens\` exceed context limit: ${sum}, decrease input length or \`max_tokens\` and try again`);
  }
  const cache = cacheUsage(body, total, ex.promptCache);
  const input = total - cache.cache_creation_input_tokens - cache.cache_read_input_tokens;
  // thinking comes first, and takes its part of max_tokens
  const thinking = thinkingReply(ask, ex.directive, ex.seq);
  const full = outputTokensFor(ex.directive.outputTokens, Math.max(0, body.max_tokens - thinking.tokens));
  // a stop sequence naming one of the reply's words ("word3") ends the reply before it, as Anthropic does
  const stopSequence = firstStopSequence(body.stop_sequences, full);
  const words = stopSequence ? Number(stopSequence.slice(4)) - 1 : full;
  const output = words + thinking.tokens;
  // the refusal directive: Claude's classifiers end the turn after the words written so far (no tool is called)
  const refused = ex.directive.refusal === true;
  const stopReason = refused ? 'refusal' : stopSequence ? 'stop_sequence' : output >= body.max_tokens ? 'max_tokens' : 'end_turn';
  ex.log.usage = { input_tokens: input, output_tokens: output };
  const details = thinking.tokens > 0 ? { output_tokens_details: { thinking_tokens: thinking.tokens } } : {};
  const id = `msg_sim${ex.seq}`;
  const forced = refused ? undefined : forcedTools(body, ex.directive.tool);
  if (forced === null) return sendError(ex, 'invalid', `tool_choice.name: no tool named ${JSON.stringify(body.tool_choice.name)} in tools`);
  if (forced) {
    const toolUses = forced.map((tool, i) => ({
      type: 'tool_use',
      id: forced.length === 1 ? `toolu_sim${ex.seq}` : `toolu_sim${ex.seq}_${i}`,
      name: tool.name,
      input: minimalInstance(tool.input_schema),
    }));
    if (body.stream === true) return streamToolUse(ex, id, body.model, { input_tokens: input, ...cache }, output, toolUses, thinking);
    return sendJson(ex, {
      id,
      type: 'message',
      role: 'assistant',
      model: body.model,
      content: [...thinking.blocks, ...toolUses],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: input, output_tokens: output, ...cache, ...details, service_tier: 'standard' },
    });
  }
  const citation = refused ? undefined : citationFor(body.messages);
  if (body.stream === true) {
    return streamMessage(ex, id, body.model, { input_tokens: input, ...cache }, { output, words, thinking, citation }, stopReason, stopSequence);
  }
  sendJson(ex, {
    id,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: [...thinking.blocks, ...replyTextBlocks(replyText(words), citation)],
    stop_reason: stopReason,
    stop_sequence: stopSequence,
    stop_details: refused ? REFUSAL_DETAILS : null,
    usage: { input_tokens: input, output_tokens: output, ...cache, ...details, service_tier: 'standard' },
  });
}

/** POST /v1/messages/count_tokens: `{input_tokens}` of the same prompt, cache or not (tokens.ts). */
export function countTokens(ex: Exchange, body: any): void {
  if (!body || typeof body !== 'object' || typeof body.model !== 'string' || !Array.isArray(body.messages)) {
    return sendError(ex, 'invalid', 'model: Field required; messages: Field required');
  }
  if (body.max_tokens !== undefined) return sendError(ex, 'invalid', 'max_tokens: Extra inputs are not permitted');
  sendJson(ex, { input_tokens: inputTokensFor(body.messages, body.system) });
}

/**
 * The tool a `{type: "tool"}` tool_choice forces, or the ones `{type: "any"}` uses (`chosen`, comma-separated,
 * else the first); with tool_choice auto (or none given) the ones `chosen` names, as Claude may choose to call
 * them: undefined without any of these, null when one of them is no tool of the request.
 */
function forcedTools(body: any, chosen: string | undefined): { name: string; input_schema: unknown }[] | null | undefined {
  const tools: any[] = Array.isArray(body.tools) ? body.tools : [];
  let names: unknown[];
  const choice = body.tool_choice?.type;
  if (choice === 'any') names = chosen === undefined ? [tools[0]?.name] : chosen.split(',');
  else if (choice === 'tool') names = [body.tool_choice.name];
  else if ((choice === undefined || choice === 'auto') && chosen !== undefined && tools.length > 0) names = chosen.split(',');
  else return undefined;
  const found = names.map((name) => tools.find((tool) => tool?.name === name));
  return found.every((tool) => tool !== undefined) ? found : null;
}

/** The stop sequence (of the form `wordN`, N within the reply) that comes first in a reply of `output` words, or null. */
function firstStopSequence(stopSequences: unknown, output: number): string | null {
  if (!Array.isArray(stopSequences)) return null;
  let first: string | null = null;
  for (const s of stopSequences) {
    const n = typeof s === 'string' && /^word[1-9]\d*$/.test(s) ? Number(s.slice(4)) : 0;
    if (n >= 1 && n <= output && (first === null || n < Number(first.slice(4)))) first = s as string;
  }
  return first;
}

/** A text reply: its output tokens, the words of its text, the thinking before it, and the citation it makes, if any. */
interface TextReply {
  output: number;
  words: number;
  thinking: ThinkingReply;
  citation: Record<string, unknown> | undefined;
}

function streamMessage(
  ex: Exchange,
  id: string,
  model: string,
  input: CacheUsage & { input_tokens: number },
  reply: TextReply,
  stopReason: string,
  stopSequence: string | null,
): void {
  const { output, words, thinking } = reply;
  if (reply.citation) return streamCitedMessage(ex, id, model, input, reply, stopReason);
  const at = thinking.blocks.length;
  const start = {
    type: 'message_start',
    message: {
      id,
      type: 'message',
      role: 'assistant',
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...input, output_tokens: 1, service_tier: 'standard' },
    },
  };
  const frames = [
    event('message_start', JSON.stringify(start)),
    ...thinkingFrames(thinking, ex.directive.chunks),
    event('content_block_start', `{"type":"content_block_start","index":${at},"content_block":{"type":"text","text":""}}`),
    event('ping', '{"type":"ping"}'),
  ];
  const pieces = replyChunks(words, ex.directive.chunks);
  for (const piece of pieces) {
    frames.push(event('content_block_delta', `{"type":"content_block_delta","index":${at},"delta":{"type":"text_delta","text":${JSON.stringify(piece)}}}`));
  }
  frames.push(
    event('content_block_stop', `{"type":"content_block_stop","index":${at}}`),
    event(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"${stopReason}","stop_sequence":${JSON.stringify(stopSequence)},` +
        `"stop_details":${JSON.stringify(stopReason === 'refusal' ? REFUSAL_DETAILS : null)}},"usage":{"output_tokens":${output}${thinkingUsage(thinking)}}}`,
    ),
    event('message_stop', '{"type":"message_stop"}'),
  );
  sendSse(ex, frames, 3 + Math.ceil(pieces.length / 2), event('content_block_delta', '{"type":"content_block_delta", <not json>'));
}

/** A reply that cites a document, streamed as Anthropic streams one: its text blocks, each cited one with its citations_delta first. */
function streamCitedMessage(ex: Exchange, id: string, model: string, input: CacheUsage & { input_tokens: number }, reply: TextReply, stopReason: string): void {
  const start = {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...input, output_tokens: 1 } },
  };
  const delta = { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: reply.output } };
  const frames = [
    event('message_start', JSON.stringify(start)),
    ...thinkingFrames(reply.thinking, ex.directive.chunks),
    ...citedTextFrames(replyTextBlocks(replyText(reply.words), reply.citation), reply.thinking.blocks.length, event),
    event('message_delta', JSON.stringify(delta)),
    event('message_stop', '{"type":"message_stop"}'),
  ];
  sendSse(ex, frames, 3, event('content_block_delta', '{"type":"content_block_delta", <not json>'));
}

function streamToolUse(
  ex: Exchange,
  id: string,
  model: string,
  input: CacheUsage & { input_tokens: number },
  output: number,
  toolUses: { type: string; id: string; name: string; input: unknown }[],
  thinking: ThinkingReply,
): void {
  const start = {
    type: 'message_start',
    message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...input, output_tokens: 1 } },
  };
  const frames = [event('message_start', JSON.stringify(start)), ...thinkingFrames(thinking, ex.directive.chunks)];
  let deltas = 0;
  toolUses.forEach((toolUse, i) => {
    const index = i + thinking.blocks.length;
    frames.push(event('content_block_start', JSON.stringify({ type: 'content_block_start', index, content_block: { ...toolUse, input: {} } })));
    if (i === 0) frames.push(event('ping', '{"type":"ping"}'));
    const tokens = tokensOf(JSON.stringify(toolUse.input));
    const count = Math.min(Math.max(1, ex.directive.chunks ?? tokens.length), tokens.length);
    for (let c = 0; c < count; c++) {
      const piece = tokens.slice(Math.floor((c * tokens.length) / count), Math.floor(((c + 1) * tokens.length) / count)).join('');
      const delta = { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: piece } };
      frames.push(event('content_block_delta', JSON.stringify(delta)));
    }
    frames.push(event('content_block_stop', `{"type":"content_block_stop","index":${index}}`));
    deltas += count;
  });
  frames.push(
    event(
      'message_delta',
      `{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":${output}${thinkingUsage(thinking)}}}`,
    ),
    event('message_stop', '{"type":"message_stop"}'),
  );
  sendSse(ex, frames, 3 + Math.ceil(deltas / 2), event('content_block_delta', '{"type":"content_block_delta", <not json>'));
}

/** The thinking tokens of a message_delta's usage (`,"output_tokens_details":…`), when the answer thought. */
function thinkingUsage(thinking: ThinkingReply): string {
  return thinking.tokens > 0 ? `,"output_tokens_details":{"thinking_tokens":${thinking.tokens}}` : '';
}

/** As Anthropic checks a document block: a base64 PDF, a URL or plain text. */
function documentProblem(messages: any[]): string | undefined {
  for (const [i, message] of messages.entries()) {
    if (!Array.isArray(message?.content)) continue;
    for (const [j, block] of message.content.entries()) {
      if (block?.type !== 'document') continue;
      const source = block.source;
      const ok =
        (source?.type === 'base64' && source.media_type === 'application/pdf' && typeof source.data === 'string') ||
        (source?.type === 'url' && typeof source.url === 'string' && /^https?:\/\//.test(source.url)) ||
        (source?.type === 'text' && source.media_type === 'text/plain' && typeof source.data === 'string');
      if (!ok) return `messages.${i}.content.${j}.document.source: Input does not match any of the expected document sources`;
    }
  }
  return undefined;
}
