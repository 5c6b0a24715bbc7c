import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ProviderResponse } from '../http-transport';
import { directPost, DirectEndpoint, isJsonAnswer, refuseNonStream, SdkCallOptions, sseMessages, StainlessErrors } from '../direct-call';
import type { SseMessage } from '../sse-decoder';

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
  endpoint: DirectEndpoint,
): (params: ChatCompletionCreateParamsNonStreaming, options: SdkCallOptions) => Promise<ChatCompletion> {
  const post = directPost(endpoint);
  return async (params, options) => {
    const res = await post(params, options);
    // as the SDK does: a JSON media type is parsed, anything else is handed on as text (and then reported as malformed)
    const text = await res.text();
    return (isJsonAnswer(res) ? JSON.parse(text) : text) as ChatCompletion;
  };
}

/**
 * `chat.completions.create` with `stream: true`, sent the same way: the
 * request and its failures as above, then the body read as server-sent
 * events by a lean decoder (sse-decoder.ts) instead of the SDK's fetch, web
 * streams, byte copies and Stream class. It yields what the SDK's Stream
 * yields, chunk for chunk, and throws what it throws (see sseChunks), except
 * that an answer that is plainly no stream (JSON, HTML) is refused as such.
 */
export function directChatStream(
  endpoint: DirectEndpoint,
): (params: ChatCompletionCreateParamsStreaming, options: SdkCallOptions) => Promise<AsyncIterable<ChatCompletionChunk>> {
  const post = directPost(endpoint);
  return async (params, options) => {
    const res = await post(params, options);
    await refuseNonStream(res);
    return sseChunks(res, endpoint.errors);
  };
}

const isDone = (message: SseMessage): boolean => message.data.startsWith('[DONE]');

/**
 * The chunks of an SSE chat completion body, as the Stainless SDKs' Stream
 * reads them: each event's data is JSON-parsed (a SyntaxError as is), an
 * object with an `error` field throws the SDK's APIError (no status, the
 * response headers), `[DONE]` ends the stream; reading, aborts and closing the
 * connection as in sseMessages.
 */
async function* sseChunks(res: ProviderResponse, errors: StainlessErrors): AsyncGenerator<ChatCompletionChunk> {
  for await (const message of sseMessages(res, isDone)) {
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
