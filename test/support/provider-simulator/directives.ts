/**
 * Directives let a test control one simulated request. They come from the
 * `x-sim` header or, because the gateway does not forward client headers, from
 * a `[[sim:...]]` marker in the LAST user message (embeddings: the input;
 * images: the prompt). Format: `key=value;key=value`. The header wins per key.
 *
 *   latency_ms=N      delay before the response headers
 *   chunk_delay_ms=N  delay between stream events
 *   chunks=N          number of text chunks in a stream
 *   output_tokens=N   reply length in words/tokens
 *   fault=404|429|500|503|hang|malformed|cut|stall|flood
 *                     404: the model does not exist (each provider's own answer); 503: overloaded (Anthropic: its 529);
 *                     hang: no answer at all; malformed: a body (or, in a stream, a
 *                     frame after the first events) that is not JSON; cut: the socket
 *                     is destroyed half-way; stall: half the answer (in a stream, the
 *                     same first events as cut) is sent, then the connection stays
 *                     open with nothing more written until the client gives up; flood: a 200 whose
 *                     body (in a stream, an event after the first ones) never ends, written as fast
 *                     as the client reads, until it gives up
 *   retry_after=S     Retry-After seconds of a 429 (default 1)
 *   fail_first=N;id=X the first N requests with id X get the fault (default 503)
 *   tool=NAME         the tool a `tool_choice` of `any` (Anthropic) or `required` (OpenAI, Groq) uses (default: the first of the
 *                     request's tools); OpenAI-shaped: `tool=A,B` calls several in parallel; Anthropic, with tool_choice
 *                     auto or none given: the tools Claude chooses to call
 *   cached_tokens=N   (OpenAI) N of the prompt's tokens reported as read from the prompt cache
 *   reasoning_tokens=N (OpenAI) N of the output tokens reported as reasoning
 *   thinking_tokens=N (Anthropic, thinking on) the thinking block's length in words (default 8, at most the budget)
 *   redacted_thinking=1 (Anthropic, thinking on) a redacted_thinking block follows the thinking block
 *   refusal=1         the model declines to answer: OpenAI-shaped, `message.refusal` (streamed as `delta.refusal`) with no
 *                     content and finish_reason stop, as OpenAI answers under structured outputs; Anthropic, stop_reason
 *                     `refusal` (with stop_details) after the reply's words, as Claude's classifiers end a turn
 *   system_contains=S the fault applies only when the system prompt contains S
 *                     (one request of several that share a user message, e.g. one language)
 */

export type SimFault = '404' | '429' | '500' | '503' | 'hang' | 'malformed' | 'cut' | 'stall' | 'flood';

export interface SimDirective {
  latencyMs?: number;
  chunkDelayMs?: number;
  chunks?: number;
  outputTokens?: number;
  fault?: SimFault;
  retryAfterS?: number;
  failFirst?: number;
  id?: string;
  systemContains?: string;
  tool?: string;
  cachedTokens?: number;
  reasoningTokens?: number;
  thinkingTokens?: number;
  redactedThinking?: boolean;
  refusal?: boolean;
}

const FAULTS: ReadonlySet<string> = new Set<SimFault>(['404', '429', '500', '503', 'hang', 'malformed', 'cut', 'stall', 'flood']);
const MARKER = /\[\[sim:([^\]]*)\]\]/;

/** Parses `key=value;key=value` into `into` (unknown keys and bad numbers are ignored). */
export function parseDirective(text: string, into: SimDirective = {}): SimDirective {
  for (const pair of text.split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const key = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    switch (key) {
      case 'latency_ms':
        setNumber(into, 'latencyMs', value);
        break;
      case 'chunk_delay_ms':
        setNumber(into, 'chunkDelayMs', value);
        break;
      case 'chunks':
        setNumber(into, 'chunks', value);
        break;
      case 'output_tokens':
        setNumber(into, 'outputTokens', value);
        break;
      case 'retry_after':
        setNumber(into, 'retryAfterS', value);
        break;
      case 'fail_first':
        setNumber(into, 'failFirst', value);
        break;
      case 'fault':
        if (FAULTS.has(value)) into.fault = value as SimFault;
        break;
      case 'id':
        into.id = value;
        break;
      case 'system_contains':
        into.systemContains = value;
        break;
      case 'tool':
        into.tool = value;
        break;
      case 'cached_tokens':
        setNumber(into, 'cachedTokens', value);
        break;
      case 'reasoning_tokens':
        setNumber(into, 'reasoningTokens', value);
        break;
      case 'thinking_tokens':
        setNumber(into, 'thinkingTokens', value);
        break;
      case 'redacted_thinking':
        into.redactedThinking = value === '1' || value === 'true';
        break;
      case 'refusal':
        into.refusal = value === '1' || value === 'true';
        break;
    }
  }
  return into;
}

type NumericKey =
  'latencyMs' | 'chunkDelayMs' | 'chunks' | 'outputTokens' | 'retryAfterS' | 'failFirst' | 'cachedTokens' | 'reasoningTokens' | 'thinkingTokens';

function setNumber(into: SimDirective, key: NumericKey, value: string): void {
  const n = Number(value);
  if (value !== '' && Number.isFinite(n) && n >= 0) into[key] = n;
}

/** The directive string inside the first `[[sim:...]]` marker of `text`, if any. */
export function findMarker(text: string): string | undefined {
  if (!text.includes('[[sim:')) return undefined;
  return MARKER.exec(text)?.[1];
}

/** Marker found in the last `role: 'user'` message of a chat request. */
export function markerInLastUserMessage(messages: unknown): string | undefined {
  if (!Array.isArray(messages)) return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null;
    if (!message || message.role !== 'user') continue;
    return markerInContent(message.content);
  }
  return undefined;
}

/** Marker found in a string, or in the text parts / strings of an array. */
export function markerInContent(content: unknown): string | undefined {
  if (typeof content === 'string') return findMarker(content);
  if (!Array.isArray(content)) return undefined;
  for (const part of content) {
    const text = typeof part === 'string' ? part : (part as { text?: unknown } | null)?.text;
    if (typeof text === 'string') {
      const found = findMarker(text);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The system prompt of an OpenAI-shaped (system messages) or Anthropic-shaped (`system`) request. */
export function systemText(body: { system?: unknown; messages?: unknown } | null | undefined): string {
  const parts: string[] = [];
  const collect = (content: unknown): void => {
    if (typeof content === 'string') parts.push(content);
    else if (Array.isArray(content)) for (const p of content) collect(typeof p === 'string' ? p : (p as { text?: unknown } | null)?.text);
  };
  collect(body?.system);
  if (Array.isArray(body?.messages)) {
    for (const m of body.messages as { role?: unknown; content?: unknown }[]) if (m?.role === 'system' || m?.role === 'developer') collect(m.content);
  }
  return parts.join('\n');
}

/** Merges the in-body marker with the `x-sim` header (the header wins per key). */
export function resolveDirective(marker: string | undefined, header: string | string[] | undefined): SimDirective {
  const directive: SimDirective = {};
  if (marker) parseDirective(marker, directive);
  const headerText = Array.isArray(header) ? header.join(';') : header;
  if (headerText) parseDirective(headerText, directive);
  return directive;
}
