import { ProviderError } from './llm-provider';

/**
 * The most of a provider's whole answer the gateway reads: far above any real one (2,048 embeddings
 * of 3,072 floats as JSON are about 90 MB), so only a broken or hostile upstream reaches it, and the
 * gateway stops reading instead of holding whatever it sends.
 */
export const MAX_ANSWER_BYTES = 128 * 1024 * 1024;

/** The most one server-sent event of a stream may hold (its data lines, or a line not ended yet). */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

const MIB = 1024 * 1024;

export function answerTooLarge(maxBytes: number): ProviderError {
  return new ProviderError('malformed', `The provider's answer is larger than ${maxBytes / MIB} MiB: the gateway stopped reading it`);
}

export function eventTooLarge(maxChars: number): ProviderError {
  return new ProviderError('malformed', `An event of the provider's stream is larger than ${maxChars / MIB} MiB: the gateway stopped reading it`);
}

/**
 * A successful answer in a content coding (gzip, br, ...): the gateway asks for `accept-encoding: identity`
 * and does not decode, so an upstream that compresses anyway would otherwise surface as unreadable JSON.
 */
export function answerEncoded(encoding: string): ProviderError {
  return new ProviderError(
    'malformed',
    `The provider sent its answer ${encoding}-encoded although it was asked for none (accept-encoding: identity): the gateway does not decode it`,
  );
}

/** The content coding of a successful answer, when it has one other than identity. */
export function unaskedEncoding(status: number, contentEncoding: string | null): string | undefined {
  if (status < 200 || status > 299 || contentEncoding === null) return undefined;
  const encoding = contentEncoding.trim().toLowerCase();
  return encoding === '' || encoding === 'identity' ? undefined : encoding.slice(0, 40);
}
