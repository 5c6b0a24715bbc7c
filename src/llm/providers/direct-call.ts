import { providerRequest, ProviderResponse } from './http-transport';
import { ProviderError } from './llm-provider';
import { MAX_ERROR_BODY_BYTES, quoteUpstreamText } from './upstream-text';
import { SseDecoder, SseMessage } from './sse-decoder';

/**
 * The error classes of a Stainless SDK (openai, groq-sdk, @anthropic-ai/sdk).
 * A direct call throws the SDK's own errors, so they map to ProviderErrors by
 * the same code as the SDK's (toProviderError).
 */
export interface StainlessErrors {
  APIError: {
    new (status: number | undefined, error: object | undefined, message: string | undefined, headers: Headers | undefined, type?: string | null): Error;
    generate(status: number | undefined, errorResponse: object | undefined, message: string | undefined, headers: Headers | undefined): Error;
  };
  APIConnectionError: new (opts: { message?: string | undefined; cause?: Error | undefined }) => Error;
  APIConnectionTimeoutError: new (opts?: { message?: string }) => Error;
  APIUserAbortError: new (opts?: { message?: string }) => Error;
}

/** Where a direct call goes: the URL and headers the SDK itself would use. */
export interface DirectEndpoint {
  providerId: string;
  /** from the SDK's own `buildURL(...)` */
  url: string;
  /** authorization, user agent, API version: what the SDK sends apart from its x-stainless-* telemetry */
  headers: Record<string, string>;
  errors: StainlessErrors;
}

/** Per-call options every Stainless SDK accepts. */
export interface SdkCallOptions {
  signal: AbortSignal;
  /** ms to wait for the response headers */
  timeout: number;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

/** JSON.parse, or undefined for text that is not JSON (the SDKs' safeJSON). */
export function parseJson(text: string): object | undefined {
  try {
    return JSON.parse(text) as object;
  } catch {
    return undefined;
  }
}

/** Whether the answer is JSON as the Stainless SDKs decide it: an application/json or +json media type. */
export function isJsonAnswer(res: ProviderResponse): boolean {
  const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim();
  return mediaType !== undefined && (mediaType.includes('application/json') || mediaType.endsWith('+json'));
}

/**
 * Sends one JSON POST straight over the provider's keep-alive Agent and
 * returns the response once its status is 2xx; its body is read chunk by chunk
 * from undici's handler (providerRequest), whole (`text()`) or as events
 * (sseMessages). Every failure is the SDK's own error, as its `makeRequest`
 * raises it: an aborted signal, the headers timeout, a connection failure, a
 * non-2xx status (through `APIError.generate`). What it skips is the SDK's
 * per-call machinery (header merging, platform headers, its timer and
 * AbortController, request-log formatting).
 */
export function directPost(endpoint: DirectEndpoint): (params: object, options: SdkCallOptions) => Promise<ProviderResponse> {
  const send = providerRequest(endpoint.providerId, endpoint.url);
  const { errors } = endpoint;
  const headers = { accept: 'application/json', 'accept-encoding': 'identity', 'content-type': 'application/json', ...endpoint.headers };
  return async (params, options) => {
    if (options.signal.aborted) throw new errors.APIUserAbortError();
    let res: ProviderResponse;
    try {
      res = await send({ method: 'POST', headers, body: JSON.stringify(params), signal: options.signal, headersTimeoutMs: options.timeout });
    } catch (err) {
      if (options.signal.aborted) throw new errors.APIUserAbortError();
      if (err instanceof ProviderError) throw err;
      if (errorCode(err) === 'UND_ERR_HEADERS_TIMEOUT') throw new errors.APIConnectionTimeoutError();
      // not `instanceof Error`: undici's errors can come from another realm (under jest), and the cause names what failed
      throw new errors.APIConnectionError({ message: undefined, cause: typeof err === 'object' && err !== null ? (err as Error) : undefined });
    }
    if (!res.ok) {
      const text = await errorBodyStart(res).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
      const json = parseJson(text);
      throw errors.APIError.generate(res.status, json, json ? undefined : text, res.headers as unknown as Headers);
    }
    return res;
  };
}

/** The start of an error answer's body: a proxy's error page can be megabytes, and only its start is quoted; the rest is not read. */
async function errorBodyStart(res: ProviderResponse): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  for (let chunk = await res.body.read(); chunk !== null; chunk = await res.body.read()) {
    parts.push(chunk);
    total += chunk.length;
    if (total >= MAX_ERROR_BODY_BYTES) {
      res.body.destroy();
      break;
    }
  }
  return Buffer.concat(parts).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
}

/**
 * A 2xx to a stream request whose body is JSON or an HTML page is no stream: a
 * server that ignored `stream`, or a proxy's error in a 200. The SDKs read it as
 * a stream without events ("ended before it finished"); this says what came.
 */
export async function refuseNonStream(res: ProviderResponse): Promise<void> {
  const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (!isJsonAnswer(res) && mediaType !== 'text/html') return;
  const text = await errorBodyStart(res);
  const said = (parseJson(text) as { error?: { message?: unknown } } | undefined)?.error?.message;
  const quoted = typeof said === 'string' ? quoteUpstreamText(said) : text.trim() === '' ? 'an empty body' : quoteUpstreamText(text);
  throw new ProviderError('malformed', `The provider answered ${mediaType} where an event stream was expected: ${quoted}`);
}

/** What may still be read after the last event so the connection can go back to the pool; a longer tail closes it. */
const TAIL_AFTER_END_BYTES = 64 * 1024;

function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

/**
 * The server-sent events of a response body, read as the Stainless SDKs read
 * them (sse-decoder.ts). An abort ends the iteration quietly, as in the SDKs
 * (the caller sees its own signal); any other read failure is thrown as undici
 * raised it. `isLast` ends the stream at a terminal event (OpenAI's `[DONE]`,
 * not yielded): the rest of the body is then read, so the connection stays in
 * the pool. Whenever iteration stops before that (an abort, an error, the
 * caller leaving) the body is destroyed, which closes the upstream connection.
 */
export async function* sseMessages(res: ProviderResponse, isLast?: (message: SseMessage) => boolean): AsyncGenerator<SseMessage> {
  const body = res.body;
  const decoder = new SseDecoder();
  let state: 'reading' | 'last' | 'ended' = 'reading';
  try {
    for (let bytes = await body.read(); bytes !== null; bytes = await body.read()) {
      for (const message of decoder.push(bytes)) {
        if (isLast?.(message)) {
          state = 'last';
          return;
        }
        yield message;
      }
    }
    state = 'ended';
  } catch (err) {
    if (isAbortError(err)) return;
    throw err;
  } finally {
    if (state === 'last') body.discardRest(body.bytesRead + TAIL_AFTER_END_BYTES);
    else if (state === 'reading') body.destroy();
  }
}
