import { StringDecoder } from 'node:string_decoder';
import { eventTooLarge, MAX_EVENT_CHARS } from './answer-limits';

/** One dispatched server-sent event: its `event` field (null when absent) and its `data` lines joined by LF. */
export interface SseMessage {
  event: string | null;
  data: string;
}

const LF = 10;
const BOM = 0xfeff;

/**
 * Server-sent events out of a byte stream, with the semantics of the Stainless
 * SDKs' own decoder (openai, groq-sdk, @anthropic-ai/sdk), so a direct stream
 * yields exactly what the SDK would: lines end at LF, CR or CRLF (also across
 * chunks), a blank line dispatches an event that has data or a non-empty event
 * name, `:` lines are comments, `id`/`retry`/unknown fields are ignored, one
 * space after the colon is dropped. An event not closed by a blank line when
 * the body ends is discarded, as the SDKs (and the SSE spec) do, so there is
 * nothing to flush at the end.
 *
 * Unlike the SDKs it does not copy the bytes it has seen on every chunk: each
 * chunk is decoded once (a UTF-8 character split across chunks is held by the
 * StringDecoder) and only an unfinished line is carried over.
 */
export class SseDecoder {
  private readonly text = new StringDecoder('utf8');
  /** an unfinished line from the previous chunks, in pieces: joined once its end arrives, not copied per chunk */
  private rest: string[] = [];
  private restChars = 0;
  /** the previous chunk ended in CR: an LF opening this one belongs to it */
  private skipLf = false;
  private event: string | null = null;
  /** the data lines so far, joined by LF; undefined when the event has none */
  private data: string | undefined;

  constructor(private readonly maxEventChars = MAX_EVENT_CHARS) {}

  /** The events completed by this chunk, in order (usually zero or one array element per event in it). */
  push(bytes: Buffer): SseMessage[] {
    const out: SseMessage[] = [];
    const s = this.text.write(bytes);
    let start = 0;
    if (this.skipLf && s.length > 0) {
      if (s.charCodeAt(0) === LF) start = 1;
      this.skipLf = false;
    }
    let lf = s.indexOf('\n', start);
    let cr = s.indexOf('\r', start);
    while (lf !== -1 || cr !== -1) {
      const begin = start;
      let end: number;
      if (cr === -1 || (lf !== -1 && lf < cr)) {
        end = lf;
        start = lf + 1;
      } else {
        end = cr;
        if (cr + 1 === s.length) {
          this.skipLf = true;
          start = cr + 1;
        } else start = s.charCodeAt(cr + 1) === LF ? cr + 2 : cr + 1;
      }
      this.line(this.rest.length === 0 ? s.slice(begin, end) : this.withRest(s.slice(begin, end)), out);
      if (lf !== -1 && lf < start) lf = s.indexOf('\n', start);
      if (cr !== -1 && cr < start) cr = s.indexOf('\r', start);
    }
    if (start < s.length) {
      this.rest.push(start === 0 ? s : s.slice(start));
      this.restChars += s.length - start;
    }
    // a stream may be long, one event may not: a line or an event that never ends is not held without bound
    if (this.restChars + (this.data?.length ?? 0) > this.maxEventChars) throw eventTooLarge(this.maxEventChars);
    return out;
  }

  /** The unfinished line carried over, ended by `tail`. */
  private withRest(tail: string): string {
    this.rest.push(tail);
    const line = this.rest.join('');
    this.rest = [];
    this.restChars = 0;
    return line;
  }

  private line(raw: string, out: SseMessage[]): void {
    // the SDKs decode each line on its own with a TextDecoder, which drops a leading byte order mark
    const line = raw.charCodeAt(0) === BOM ? raw.slice(1) : raw;
    if (line === '') {
      if (!this.event && this.data === undefined) return;
      out.push({ event: this.event, data: this.data ?? '' });
      this.event = null;
      this.data = undefined;
      return;
    }
    if (line.charCodeAt(0) === 58 /* ':' */) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data' && field !== 'event') return;
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32 /* ' ' */) value = value.slice(1);
    if (field === 'event') this.event = value;
    else this.data = this.data === undefined ? value : `${this.data}\n${value}`;
  }
}
