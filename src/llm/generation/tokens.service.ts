import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { ChatMessage, ContentPart, ResponseFormat, ToolDefinition } from '../providers/llm-provider';

/** OpenAI's chat format adds about 3 tokens per message (role and separators) and 3 to prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING_TOKENS = 3;
/**
 * An image's tokens depend on its pixels, which we do not fetch. 1,600 is the top of the usual range
 * (Anthropic ≈ width×height/750 caps near 1,600; OpenAI high detail 1024² is 765), so reservations do
 * not under-count.
 */
export const IMAGE_TOKEN_ESTIMATE = 1_600;
/**
 * A PDF page's tokens: Anthropic reads each page as text (1,500–3,000 tokens) and as an image; OpenAI
 * likewise. The top of the text range, per page counted in the file, so reservations do not under-count
 * the usual document.
 */
export const PDF_PAGE_TOKEN_ESTIMATE = 3_000;
/** Pages assumed for a PDF by URL, which the gateway does not fetch. */
export const PDF_URL_PAGES_ESTIMATE = 10;
/** A PDF whose page objects are compressed (no `/Type /Page` in the clear) is counted as a page per this many bytes. */
const PDF_BYTES_PER_PAGE = 20_000;
/**
 * Counting stops after this many `/Type` keys (a few per object: a real PDF of a hundred pages has some
 * thousands), so a file made of them cannot hold the event loop; the size then bounds the estimate from below.
 */
const MAX_PDF_TYPE_KEYS = 20_000;
const PDF_TYPE_KEY = Buffer.from('/Type');
const PDF_PAGE_NAME = Buffer.from('/Page');

/** The pages of a base64 PDF, as its page objects say, or by its size when they are compressed. */
export function pdfPages(data: string): number {
  const bytes = Buffer.from(data, 'base64');
  const bySize = Math.max(1, Math.ceil(bytes.length / PDF_BYTES_PER_PAGE));
  let pages = 0;
  let keys = 0;
  // a native search for each `/Type`, then `/Page` after optional whitespace and not `/Pages`
  for (let at = bytes.indexOf(PDF_TYPE_KEY); at !== -1; at = bytes.indexOf(PDF_TYPE_KEY, at + PDF_TYPE_KEY.length)) {
    if (++keys > MAX_PDF_TYPE_KEYS) return Math.max(pages, bySize);
    let i = at + PDF_TYPE_KEY.length;
    while (i < bytes.length && isPdfWhitespace(bytes[i])) i++;
    const end = i + PDF_PAGE_NAME.length;
    if (end <= bytes.length && bytes.compare(PDF_PAGE_NAME, 0, PDF_PAGE_NAME.length, i, end) === 0 && !isLetter(bytes[end])) pages++;
  }
  return pages > 0 ? pages : bySize;
}

function isPdfWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09 || byte === 0x0c || byte === 0x00;
}

function isLetter(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a));
}

/**
 * Above this many characters the count is estimated as UTF-8 bytes / 4 instead of tokenised: an exact
 * count would block the event loop for a noticeable time on a reservation that only needs an upper
 * bound. Bytes rather than characters, so CJK text (about a token per character) is not under-counted.
 */
export const EXACT_COUNT_MAX_CHARS = 200_000;
/**
 * Byte-pair merging is quadratic in a piece's length; a piece this long only comes from pathological
 * input (one letter repeated, a wall of punctuation), and is counted in windows of this many bytes.
 */
const MAX_PIECE_BYTES = 256;

interface O200kRanks {
  pat_str: string;
  bpe_ranks: string;
}

/**
 * A count-only o200k_base tokenizer built on js-tiktoken's rank data. It gives the same counts as
 * js-tiktoken's `Tiktoken.encode` (special tokens are treated as plain text), but keys its rank map by
 * latin1 byte strings and keeps no decode table: about a quarter of the memory (≈15 MB rather than
 * ≈70 MB of heap) and several times faster on unusual text.
 */
class O200kCounter {
  private readonly ranks = new Map<string, number>();
  private readonly pattern: RegExp;

  constructor(data: O200kRanks) {
    this.pattern = new RegExp(data.pat_str, 'gu');
    for (const line of data.bpe_ranks.split('\n')) {
      if (line === '') continue;
      const fields = line.split(' ');
      const offset = Number.parseInt(fields[1], 10);
      for (let i = 2; i < fields.length; i++) {
        this.ranks.set(Buffer.from(fields[i], 'base64').toString('latin1'), offset + i - 2);
      }
    }
  }

  count(text: string): number {
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    let total = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      // pieces are looked up as byte strings; ASCII is already one
      const piece = NON_ASCII.test(match[0]) ? Buffer.from(match[0], 'utf8').toString('latin1') : match[0];
      total += this.countPiece(piece);
    }
    return total;
  }

  private countPiece(piece: string): number {
    if (piece.length === 1 || this.ranks.has(piece)) return 1;
    if (piece.length <= MAX_PIECE_BYTES) return this.mergeCount(piece);
    let total = 0;
    for (let i = 0; i < piece.length; i += MAX_PIECE_BYTES) total += this.countPiece(piece.slice(i, i + MAX_PIECE_BYTES));
    return total;
  }

  /** tiktoken's byte-pair merge (lowest rank first, leftmost on ties), returning only the part count. */
  private mergeCount(piece: string): number {
    const starts: number[] = [];
    const pairRanks: number[] = [];
    for (let i = 0; i <= piece.length; i++) {
      starts.push(i);
      pairRanks.push(i < piece.length - 1 ? (this.ranks.get(piece.substring(i, i + 2)) ?? NONE) : NONE);
    }
    const rankAt = (i: number): number => (i + 3 < starts.length ? (this.ranks.get(piece.substring(starts[i], starts[i + 3])) ?? NONE) : NONE);
    for (;;) {
      let best = -1;
      let bestRank = NONE;
      for (let i = 0; i < pairRanks.length - 1; i++) {
        if (pairRanks[i] < bestRank) {
          bestRank = pairRanks[i];
          best = i;
        }
      }
      if (best < 0) break;
      if (best > 0) pairRanks[best - 1] = rankAt(best - 1);
      pairRanks[best] = rankAt(best);
      starts.splice(best + 1, 1);
      pairRanks.splice(best + 1, 1);
    }
    return starts.length - 1;
  }
}

const NONE = Number.MAX_SAFE_INTEGER;
// eslint-disable-next-line no-control-regex -- the ASCII range starts at NUL on purpose
const NON_ASCII = /[^\x00-\x7f]/;

/**
 * Counts tokens with the o200k_base encoding (GPT-4o and later). Used to count usage for streams that
 * carry no usage event and to estimate a request's input for rate-limit and budget reservations; for
 * other providers' models it is a close estimate, not their billing count.
 */
/** One per process: the rank map is large and immutable. */
let sharedCounter: O200kCounter | undefined;

/**
 * Prompt texts repeat: a system prompt, and the whole history a chat sends again every turn. Their
 * counts are kept (oldest dropped first) up to this many characters of text in all, texts longer than
 * PROMPT_CACHE_MAX_TEXT not at all.
 */
export const PROMPT_CACHE_MAX_CHARS = 1_000_000;
const PROMPT_CACHE_MAX_TEXT = 50_000;

@Injectable()
export class TokensService implements OnApplicationBootstrap {
  private readonly promptCounts = new Map<string, number>();
  private promptChars = 0;

  /** Builds the rank table right after start, so no client's first call waits ~0.5 s for it. */
  onApplicationBootstrap(): void {
    setTimeout(() => this.count('warm up'), 0).unref();
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    if (text.length > EXACT_COUNT_MAX_CHARS) return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
    return this.encoder().count(text);
  }

  /** Prompt tokens of a chat request: each message's text, tool calls and name, plus the chat format's overhead. */
  countMessages(system: string | undefined, messages: readonly ChatMessage[]): number {
    let total = REPLY_PRIMING_TOKENS;
    if (system) total += TOKENS_PER_MESSAGE + this.countPrompt(system);
    for (const message of messages) {
      total += TOKENS_PER_MESSAGE;
      if (typeof message.content === 'string') {
        total += this.countPrompt(message.content);
      } else {
        for (const part of message.content) total += this.countPart(part);
      }
      if (message.name) total += TOKENS_PER_NAME + this.count(message.name);
      if (message.toolCallId) total += this.count(message.toolCallId);
      if (message.toolCalls) for (const call of message.toolCalls) total += TOKENS_PER_MESSAGE + this.count(call.name) + this.countPrompt(call.arguments);
    }
    return total;
  }

  private countPart(part: ContentPart): number {
    if (part.type === 'text') return this.countPrompt(part.text);
    if (part.type === 'image') return IMAGE_TOKEN_ESTIMATE;
    const about = this.count(part.title ?? '') + this.count(part.context ?? '');
    switch (part.source.type) {
      case 'text':
        return about + this.countPrompt(part.source.text);
      case 'pdf':
        return about + pdfPages(part.source.data) * PDF_PAGE_TOKEN_ESTIMATE;
      default:
        return about + PDF_URL_PAGES_ESTIMATE * PDF_PAGE_TOKEN_ESTIMATE;
    }
  }

  /**
   * Prompt tokens of tool definitions: the model reads each tool's name, description and parameter
   * schema as part of the prompt, and a caller sends the same tools every turn (so the count is remembered).
   */
  countTools(tools: readonly ToolDefinition[] | undefined): number {
    if (!tools?.length) return 0;
    return this.countPrompt(JSON.stringify(tools.map(({ name, description, parameters }) => ({ name, description, parameters }))));
  }

  /** Prompt tokens of a response_format's schema: providers put it before the model (Anthropic as a forced tool) and bill it as input. */
  countResponseFormat(format: ResponseFormat | undefined): number {
    if (format?.type !== 'json_schema') return 0;
    const { name, description, schema } = format.jsonSchema;
    return this.countPrompt(JSON.stringify({ name, description, schema }));
  }

  /** count(), remembered for texts seen again (see PROMPT_CACHE_MAX_CHARS). */
  private countPrompt(text: string): number {
    const known = this.promptCounts.get(text);
    if (known !== undefined) return known;
    const tokens = this.count(text);
    if (text.length > 0 && text.length <= PROMPT_CACHE_MAX_TEXT) {
      this.promptCounts.set(text, tokens);
      this.promptChars += text.length;
      for (const oldest of this.promptCounts.keys()) {
        if (this.promptChars <= PROMPT_CACHE_MAX_CHARS) break;
        this.promptCounts.delete(oldest);
        this.promptChars -= oldest.length;
      }
    }
    return tokens;
  }

  /** Loads the rank data (≈0.5 s, ≈15 MB) on first use, so processes that never count pay nothing. */
  private encoder(): O200kCounter {
    if (!sharedCounter) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily on purpose
      const mod = require('js-tiktoken/ranks/o200k_base') as O200kRanks | { default: O200kRanks };
      sharedCounter = new O200kCounter('default' in mod ? mod.default : mod);
    }
    return sharedCounter;
  }
}
