import type { ChatCompletion, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { providerRequest, TransportResponse } from '../http-transport';
import type { SdkCallOptions } from './openai-compatible.provider';

/**
 * The error classes of a Stainless SDK (openai, groq-sdk). The direct call
 * throws the SDK's own errors, so they map to ProviderErrors by the same code
 * as the SDK's (toProviderError).
 */
export interface StainlessErrors {
  APIError: { generate(status: number | undefined, errorResponse: object | undefined, message: string | undefined, headers: Headers | undefined): Error };
  APIConnectionError: new (opts: { message?: string | undefined; cause?: Error | undefined }) => Error;
  APIConnectionTimeoutError: new (opts?: { message?: string }) => Error;
  APIUserAbortError: new (opts?: { message?: string }) => Error;
}

/** Where a non-streaming chat completion goes: the URL and headers the SDK itself would use. */
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
 * `chat.completions.create` without `stream`, sent straight over the
 * provider's keep-alive Agent: the same URL, body and authorization as the
 * SDK, the SDK's types for the body and the answer, and the SDK's own error
 * classes for every failure (status errors through its `APIError.generate`).
 * What it skips is the SDK's per-call machinery (header merging, platform
 * headers, its timer and AbortController, request-log formatting), which was
 * the largest part of the gateway's CPU per call. Streams stay on the SDK.
 */
export function directChatCompletion(
  endpoint: DirectChatEndpoint,
): (params: ChatCompletionCreateParamsNonStreaming, options: SdkCallOptions) => Promise<ChatCompletion> {
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
    // as the SDK does: a JSON media type is parsed, anything else is handed on as text (and then reported as malformed)
    const mediaType = res.headers.get('content-type')?.split(';')[0]?.trim();
    if (mediaType !== undefined && (mediaType.includes('application/json') || mediaType.endsWith('+json'))) return (await res.json()) as ChatCompletion;
    return (await res.text()) as unknown as ChatCompletion;
  };
}
