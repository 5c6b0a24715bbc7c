import { ProviderError } from './llm-provider';

/** The most of a provider's own words an error message quotes: a proxy's error page can be megabytes. */
export const MAX_QUOTED_CHARS = 1000;

/** The most of an error answer's body read: error bodies are small, and only the start is quoted. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A page, not a message: the text starts with the document (after the status the SDK puts first). */
const HTML_START = /^(\d{3} )?\s*(?:<!doctype html|<html[\s>])/i;
const TITLE = /<title[^>]*>([^<]*)<\/title>/i;

/**
 * A provider's text as an error message quotes it: an HTML page (a proxy's or
 * load balancer's error page) by its title, anything else with its whitespace
 * collapsed, at most MAX_QUOTED_CHARS characters.
 */
export function quoteUpstreamText(text: string): string {
  const html = HTML_START.exec(text);
  if (html) {
    const before = html[1]?.trim() ?? '';
    const title = TITLE.exec(text)?.[1]?.replace(/\s+/g, ' ').trim();
    const page = title ? `an HTML page titled "${clip(title)}"` : 'an HTML page';
    return before === '' ? page : `${clip(before)} ${page}`;
  }
  return clip(text.replace(/\s+/g, ' ').trim());
}

function clip(text: string): string {
  if (text.length <= MAX_QUOTED_CHARS) return text;
  return `${text.slice(0, MAX_QUOTED_CHARS)}… (${text.length - MAX_QUOTED_CHARS} more characters)`;
}

/**
 * The SDKs hand on an answer whose media type is not JSON as its text; a mapper
 * that expected an object says what came instead.
 */
export function notJsonAnswer(answer: unknown): ProviderError | undefined {
  if (typeof answer !== 'string') return undefined;
  const body = answer.trim() === '' ? 'an empty body' : quoteUpstreamText(answer);
  return new ProviderError('malformed', `The provider answered with something other than JSON: ${body}`);
}
