/**
 * Deterministic token accounting of the provider simulator.
 *
 * The simulator does not tokenize like a real model; it counts words, so tests
 * can compute the expected usage (and therefore the expected cost) by hand:
 *
 * - input_tokens = number of whitespace-separated words (`/\S+/g`) across all
 *   message text: the Anthropic `system` prompt and every message's content,
 *   where content is a string or an array of parts whose `{ type: 'text', text }`
 *   parts count. Every `[[sim:...]]` directive marker is removed first.
 *   The result is at least 1.
 * - output_tokens = the `output_tokens` directive when given, otherwise
 *   min(max_tokens ?? max_completion_tokens, 12) (12 when neither is given).
 * - The reply text is `output_tokens` words: "word1 word2 … wordN". With an
 *   OpenAI `response_format` it is JSON instead, and `logprobs` split it into
 *   tokens (structured-output.ts); usage is counted as above all the same.
 * - Streams split the reply into `chunks` pieces (directive; default one word
 *   per chunk). Joining the pieces gives back the reply text exactly.
 * - OpenAI's `n`: n choices, each of output_tokens words; choice 0 says
 *   "word1 … wordN", choice k "c<k>word1 … c<k>wordN" (a JSON reply is the
 *   same in every choice). completion_tokens = n × output_tokens. Streamed, the
 *   choices' chunks alternate (0, 1, …, 0, 1, …), each with its own index.
 * - Embeddings: prompt_tokens = words across all inputs (a token-id array counts
 *   its length). Images (gpt-image-*): input_tokens = prompt words,
 *   output_tokens from IMAGE_OUTPUT_TOKENS.
 *
 * - Anthropic prompt caching: the prompt's blocks, in order, are the system
 *   (a string is one block) and then each message's content (a string is one
 *   block). The last block with a `cache_control`, or the last block of all
 *   when the request itself has one, ends the cached prefix. The first request
 *   with a given prefix (same model and texts) reports its words as
 *   cache_creation_input_tokens, later ones as cache_read_input_tokens (a
 *   `ttl: "1h"` write under cache_creation.ephemeral_1h_input_tokens, else
 *   ephemeral_5m_input_tokens); input_tokens is the rest. The count_tokens
 *   endpoint reports the whole input_tokens of the same rule, cache or not.
 *
 * Usage in every response (JSON and stream) reports exactly these numbers.
 */

/** Reply length when neither a directive nor max_tokens bounds it. */
export const DEFAULT_OUTPUT_TOKENS = 12;

const DIRECTIVE_MARKER = /\[\[sim:[^\]]*\]\]/g;

/** Number of `/\S+/` words in `text`, without allocating an array. */
export function countWords(text: string): number {
  let words = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const space = isWhitespace(text.charCodeAt(i));
    if (!space && !inWord) words++;
    inWord = !space;
  }
  return words;
}

function isWhitespace(code: number): boolean {
  if (code === 32 || (code >= 9 && code <= 13)) return true;
  if (code < 128) return false;
  return /\s/.test(String.fromCharCode(code));
}

/** Removes every `[[sim:...]]` marker (they never count as tokens). */
export function stripDirectives(text: string): string {
  return text.includes('[[sim:') ? text.replace(DIRECTIVE_MARKER, ' ') : text;
}

/** Text of a message content: a string, or the text parts of an array of parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string') {
      text += (text ? ' ' : '') + (part as { text: string }).text;
    }
  }
  return text;
}

/** Words of one content value with directive markers removed. */
export function contentWords(content: unknown): number {
  return countWords(stripDirectives(contentText(content)));
}

/** input_tokens for a chat request: system prompt plus every message (documents too), at least 1. */
export function inputTokensFor(messages: unknown, system?: unknown): number {
  let words = system === undefined ? 0 : contentWords(system);
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (!message || typeof message !== 'object') continue;
      const content = (message as { content?: unknown }).content;
      words += contentWords(content) + documentTokens(content);
    }
  }
  return Math.max(1, words);
}

/** A PDF page's input tokens in the simulator (a real provider reads each page as text and as an image). */
export const PDF_PAGE_TOKENS = 1_000;

/** The pages of a base64 PDF: its `/Type /Page` objects, at least 1. */
export function pdfPageCount(base64: string): number {
  return Math.max(
    1,
    Buffer.from(base64, 'base64')
      .toString('latin1')
      .match(/\/Type\s*\/Page(?![A-Za-z])/g)?.length ?? 0,
  );
}

/**
 * The input tokens of a content array's documents: an Anthropic document block (a base64 PDF or one by URL,
 * taken as one page, at PDF_PAGE_TOKENS a page; a text source by its words) or an OpenAI file part's PDF.
 */
export function documentTokens(content: unknown): number {
  if (!Array.isArray(content)) return 0;
  let tokens = 0;
  for (const part of content) {
    if (part?.type === 'document') {
      const source = part.source;
      if (source?.type === 'text' && typeof source.data === 'string') tokens += countWords(source.data);
      else if (source?.type === 'base64' && typeof source.data === 'string') tokens += pdfPageCount(source.data) * PDF_PAGE_TOKENS;
      else tokens += PDF_PAGE_TOKENS;
    } else if ((part?.type === 'file' || part?.type === 'input_file') && typeof (part.file?.file_data ?? part.file_data) === 'string') {
      const data = String(part.file?.file_data ?? part.file_data);
      tokens += pdfPageCount(data.slice(data.indexOf(',') + 1)) * PDF_PAGE_TOKENS;
    }
  }
  return tokens;
}

/** output_tokens: the directive wins, else min(maxTokens, 12). */
export function outputTokensFor(directiveOutputTokens: number | undefined, maxTokens: number | undefined): number {
  if (directiveOutputTokens !== undefined) return directiveOutputTokens;
  if (maxTokens !== undefined && maxTokens >= 0) return Math.min(maxTokens, DEFAULT_OUTPUT_TOKENS);
  return DEFAULT_OUTPUT_TOKENS;
}

const replyCache = new Map<number, string>();

/** The words of choice `choice` (n > 1): `word` for the first, `c<k>word` for choice k. */
function wordOf(choice: number): string {
  return choice === 0 ? 'word' : `c${choice}word`;
}

/** The reply text of `outputTokens` words: "word1 word2 … wordN" (cached: hot path); choice k of n: "c<k>word1 …". */
export function replyText(outputTokens: number, choice = 0): string {
  if (choice !== 0) return Array.from({ length: outputTokens }, (_, i) => `${wordOf(choice)}${i + 1}`).join(' ');
  let text = replyCache.get(outputTokens);
  if (text === undefined) {
    text = Array.from({ length: outputTokens }, (_, i) => `word${i + 1}`).join(' ');
    if (replyCache.size < 1024) replyCache.set(outputTokens, text);
  }
  return text;
}

/**
 * Splits a reply of `outputTokens` words into `chunks` stream pieces
 * (default one word per chunk). Pieces after the first start with a space,
 * so `pieces.join('') === replyText(outputTokens)`.
 */
export function replyChunks(outputTokens: number, chunks?: number, choice = 0): string[] {
  if (outputTokens <= 0) return [];
  const count = Math.min(Math.max(1, chunks ?? outputTokens), outputTokens);
  const word = wordOf(choice);
  const pieces: string[] = [];
  for (let c = 0; c < count; c++) {
    const from = Math.floor((c * outputTokens) / count);
    const to = Math.floor(((c + 1) * outputTokens) / count);
    let piece = '';
    for (let w = from; w < to; w++) piece += (w === 0 ? '' : ' ') + `${word}${w + 1}`;
    pieces.push(piece);
  }
  return pieces;
}

/** prompt_tokens of an embeddings `input`: words of each string, length of each token-id array. */
export function embeddingInputTokens(input: unknown): number {
  if (typeof input === 'string') return countWords(stripDirectives(input));
  if (!Array.isArray(input)) return 0;
  if (input.length > 0 && typeof input[0] === 'number') return input.length;
  let tokens = 0;
  for (const item of input) tokens += embeddingInputTokens(item);
  return tokens;
}

/** Output tokens per generated image of gpt-image-* (the real API's published table). */
export const IMAGE_OUTPUT_TOKENS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  low: { '1024x1024': 272, '1024x1536': 408, '1536x1024': 400 },
  medium: { '1024x1024': 1056, '1024x1536': 1584, '1536x1024': 1568 },
  high: { '1024x1024': 4160, '1024x1536': 6240, '1536x1024': 6208 },
};

/** Output tokens for one gpt-image-* image; quality `auto`/unknown counts as medium, unknown size as 1024x1024. */
export function imageOutputTokens(size: string | undefined, quality: string | undefined): number {
  const table = IMAGE_OUTPUT_TOKENS[quality ?? 'medium'] ?? IMAGE_OUTPUT_TOKENS.medium;
  return table[size ?? '1024x1024'] ?? table['1024x1024'];
}

/** The cache fields of an Anthropic usage object. */
export interface CacheUsage {
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

interface PromptBlock {
  text: string;
  cacheControl?: { ttl?: string };
}

function blocksOf(content: unknown): PromptBlock[] {
  if (typeof content === 'string') return [{ text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((block: { text?: unknown; cache_control?: { ttl?: string } } | null) => ({
    text: typeof block?.text === 'string' ? block.text : '',
    ...(block?.cache_control ? { cacheControl: block.cache_control } : {}),
  }));
}

/**
 * The cache part of a Messages request's input (see the header): `seen` holds
 * the prefixes already written, per simulator. `total` bounds the prefix.
 */
export function cacheUsage(
  body: { model?: unknown; system?: unknown; messages?: unknown; cache_control?: { ttl?: string } | null },
  total: number,
  seen: Set<string>,
): CacheUsage {
  const blocks = [...blocksOf(body.system), ...(Array.isArray(body.messages) ? body.messages.flatMap((m: { content?: unknown }) => blocksOf(m?.content)) : [])];
  let end = -1;
  blocks.forEach((b, i) => {
    if (b.cacheControl) end = i;
  });
  let ttl = end >= 0 ? blocks[end].cacheControl?.ttl : undefined;
  if (body.cache_control) {
    end = blocks.length - 1;
    ttl = body.cache_control.ttl;
  }
  const none: CacheUsage = {
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
  };
  if (end < 0) return none;
  const prefix = blocks.slice(0, end + 1);
  const words = Math.min(
    total,
    prefix.reduce((sum, b) => sum + countWords(stripDirectives(b.text)), 0),
  );
  const key = JSON.stringify([body.model, prefix.map((b) => b.text)]);
  if (seen.has(key)) return { ...none, cache_read_input_tokens: words };
  seen.add(key);
  return {
    ...none,
    cache_creation_input_tokens: words,
    cache_creation:
      ttl === '1h' ? { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: words } : { ephemeral_5m_input_tokens: words, ephemeral_1h_input_tokens: 0 },
  };
}
