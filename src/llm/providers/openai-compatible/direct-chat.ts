import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import { providerRequest, TransportResponse } from '../http-transport';
import { SseDecoder } from '../sse-decoder';
import type { SdkCallOptions } from './openai-compatible.provider';

/**
 * The error classes of a Stainless SDK (openai, groq-sdk). The direct call
 * throws the SDK's own errors, so they map to ProviderErrors by the same code
 * as the SDK's (toProviderError).
 */
export interface StainlessErrors {
  APIError: {
    new (status: number | undefined, error: object | undefined, message: string | undefined, headers: Headers | undefined): Error;
    generate(status: number | undefined, errorResponse: object | undefined, message: string | undefined, headers: Headers | undefined): Error;
  };
  APIConnectionError: new (opts: { message?: string | undefined; cause?: Error | undefined }) => Error;
  APIConnectionTimeoutError: new (opts?: { message?: string }) => Error;
  APIUserAbortError: new (opts?: { message?: string }) => Error;
}

/** Where a chat completion goes: the URL and headers the SDK itself would use. */
export interface DirectChatEndpoint {
  providerId: string;
  /** from the SDK's own `buildURL('/chat/completions')` */
  url: string;
  /** authorization and user agent */
  headers: Record<string, string>;
  errors: StainlessErrors;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

function parseJson(text: string): object | undefined {
  try {
    return JSON.parse(text) as object;
  } catch {
    return undefined;
  }
}

/**
 * Sends one chat completion request straight over the provider's keep-alive
 * Agent and returns the response once its status is 2xx. Every failure is the
 * SDK's own error, as its `makeRequest` raises it: an aborted signal, the
 * headers timeout, a connection failure, a non-2xx status (through `APIError.generate`).
 */
function directPost(endpoint: DirectChatEndpoint): (params: object, options: SdkCallOptions) => Promise<TransportResponse> {
  const send = providerRequest(endpoint.providerId);
  const { errors } = endpoint;
  const headers = { accept: 'application/json', 'content-type': 'application/json', ...endpoint.headers };
  return async (params, options) => {
    if (options.signal.aborted) throw new errors.APIUserAbortError();
    let res: TransportResponse;
    try {
      res = await send(endpoint.url, { method: 'POST', headers, body: JSON.stringify(params), signal: options.signal, headersTimeoutMs: options.timeout });
    } catch (err) {
      if (options.signal.aborted) throw new errors.APIUserAbortError();
      if (errorCode(err) === 'UND_ERR_HEADERS_TIMEOUT') throw new errors.APIConnectionTimeoutError();
      throw new errors.APIConnectionError({ message: undefined, cause: err instanceof Error ? err : undefined });
    }
    if (!res.ok) {
      const text = await res.text().catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
      const json = parseJson(text);
      throw errors.APIError.generate(res.status, json, json ? undefined : text, res.headers as unknown as Headers);
    }
    return res;
  };
}

/**
 * `chat.completions.create` without `stream`, sent straight over the
 * provider's keep-alive Agent: the same URL, body and authorization as the
 * SDK, the SDK's types for the body and the answer, and the SDK's own error
 * classes for every failure (status errors through its `APIError.generate`).
 * What it skips is the SDK's per-call machinery (header merging, platform
 * headers, its timer and AbortController, request-log formatting), which was
 * the largest part of the gateway's CPU per call.
 */
export function directChatCompletion(
  endpoint: DirectChatEndpoint,
): (params: ChatCompletionCreateParamsNonStreaming, options: SdkCallOptions) => Promise<ChatCompletion> {
  const post = directPost(endpoint);
  return async (params, options) => {
    const res = await post(params, options);
    // as the SDK does: a JSON media type is parsed, anything else is handed on as text (and then reported as malformed)
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim();
    if (mediaType !== undefined && (mediaType.includes('application/json') || mediaType.endsWith('+json'))) return (await res.json()) as ChatCompletion;
    return (await res.text()) as unknown as ChatCompletion;
  };
}

/**
 * `chat.completions.create` with `stream: true`, sent the same way: the
 * request and its failures as above, then the body read as server-sent
 * events by a lean decoder (sse-decoder.ts) instead of the SDK's fetch, web
 * streams, byte copies and Stream class. It yields what the SDK's Stream
 * yields, chunk for chunk, and throws what it throws (module comment of
 * sseChunks).
 */
export function directChatStream(
  endpoint: DirectChatEndpoint,
): (params: ChatCompletionCreateParamsStreaming, options: SdkCallOptions) => Promise<AsyncIterable<ChatCompletionChunk>> {
  const post = directPost(endpoint);
  return async (params, options) => sseChunks(await post(params, options), endpoint.errors);
}

/** What may still be read after `[DONE]` so the connection can go back to the pool; a longer tail closes it. */
const TAIL_AFTER_DONE_BYTES = 64 * 1024;

function isAbortError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'AbortError';
}

function noop(): void {}

/**
 * The chunks of an SSE chat completion body, as the Stainless SDKs' Stream
 * reads them: each event's data is JSON-parsed (a SyntaxError as is), an
 * object with an `error` field throws the SDK's APIError (no status, the
 * response headers), `[DONE]` ends the stream, an abort ends it quietly (the
 * caller sees its own signal), any other read failure is thrown as undici
 * raised it. The body is destroyed, closing the upstream connection, whenever
 * iteration stops before its end; after `[DONE]` the rest is read so the
 * connection stays in the pool.
 */
async function* sseChunks(res: TransportResponse, errors: StainlessErrors): AsyncGenerator<ChatCompletionChunk> {
  const body = res.body;
  const decoder = new SseDecoder();
  let bytesRead = 0;
  let state: 'reading' | 'done' | 'ended' = 'reading';
  try {
    for await (const bytes of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      bytesRead += bytes.length;
      for (const message of decoder.push(bytes)) {
        if (message.data.startsWith('[DONE]')) {
          state = 'done';
          return;
        }
        const data = JSON.parse(message.data) as ChatCompletionChunk & { error?: object };
        if (message.event !== null && message.event.startsWith('thread.')) {
          // the SDK's branch for Assistants events, which chat completions never send
          yield { event: message.event, data } as unknown as ChatCompletionChunk;
          continue;
        }
        if (data && data.error) throw new errors.APIError(undefined, data.error, undefined, res.headers as unknown as Headers);
        yield data;
      }
    }
    state = 'ended';
  } catch (err) {
    if (isAbortError(err)) return;
    throw err;
  } finally {
    if (state === 'done') body.dump({ limit: bytesRead + TAIL_AFTER_DONE_BYTES }).catch(noop);
    // undici raises an error event on a destroyed body, which nothing else listens to once iteration stopped
    else if (state === 'reading') body.on('error', noop).destroy();
  }
}
