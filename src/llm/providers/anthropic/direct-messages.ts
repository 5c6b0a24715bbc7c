import Anthropic from '@anthropic-ai/sdk';
import { VERSION as ANTHROPIC_SDK_VERSION } from '@anthropic-ai/sdk/version';
import type { ProviderResponse } from '../http-transport';
import { directPost, DirectEndpoint, isJsonAnswer, parseJson, refuseNonStream, SdkCallOptions, sseMessages, StainlessErrors } from '../direct-call';

/** The API version @anthropic-ai/sdk sends with every call (its buildHeaders); the unit test compares the headers with the SDK's own request. */
const ANTHROPIC_VERSION = '2026-10-21';

/** The Messages endpoint as the SDK client would call it: its URL, its key as a bearer token, its user agent and API version. */
export function anthropicMessagesEndpoint(sdk: Anthropic, providerId: string): DirectEndpoint {
  const headers: Record<string, string> = { 'user-agent': `Anthropic/JS ${ANTHROPIC_SDK_VERSION}`, 'anthropic-version': ANTHROPIC_VERSION };
  if (sdk.apiKey) headers.authorization = `Bearer ${sdk.apiKey}`;
  return { providerId, url: sdk.buildURL('/v1/messages', undefined), headers, errors: Anthropic as unknown as StainlessErrors };
}

/**
 * `messages.create` without `stream`, straight over the provider's Agent
 * (direct-call.ts), the answer read as the SDK's defaultParseResponse reads
 * it: 204 is null, a JSON media type is parsed (an empty one is undefined),
 * anything else is handed on as text (and then reported as malformed).
 */
export function directMessage(
  endpoint: DirectEndpoint,
): (params: Anthropic.MessageCreateParamsNonStreaming, options: SdkCallOptions) => Promise<Anthropic.Message> {
  const post = directPost(endpoint);
  return async (params, options) => {
    const res = await post(params, options);
    const text = await res.text();
    if (res.status === 204) return null as unknown as Anthropic.Message;
    if (!isJsonAnswer(res)) return text as unknown as Anthropic.Message;
    if (res.headers.get('content-length') === '0') return undefined as unknown as Anthropic.Message;
    return JSON.parse(text) as Anthropic.Message;
  };
}

/**
 * `messages.create` with `stream: true`, sent the same way; the events as the SDK's Stream yields
 * them (see messageEvents), an answer that is plainly no stream (JSON, HTML) refused as such.
 */
export function directMessageStream(
  endpoint: DirectEndpoint,
): (params: Anthropic.MessageCreateParamsStreaming, options: SdkCallOptions) => Promise<AsyncIterable<Anthropic.RawMessageStreamEvent>> {
  const post = directPost(endpoint);
  return async (params, options) => {
    const res = await post(params, options);
    await refuseNonStream(res);
    return messageEvents(res, endpoint.errors);
  };
}

/**
 * The Messages stream as @anthropic-ai/sdk's Stream reads it: `ping` and
 * unnamed events are skipped, an `error` event throws the SDK's APIError (no
 * status, its body, its error type), an event without data is skipped, any
 * other is JSON-parsed (a SyntaxError as is). The body is read to its end, as
 * the SDK does; aborts and closing the connection as in sseMessages.
 */
async function* messageEvents(res: ProviderResponse, errors: StainlessErrors): AsyncGenerator<Anthropic.RawMessageStreamEvent> {
  for await (const sse of sseMessages(res)) {
    if (sse.event === 'ping' || sse.event === null) continue;
    if (sse.event === 'error') {
      const body = (parseJson(sse.data) ?? sse.data) as { error?: { type?: string } } | string;
      const type = typeof body === 'object' && body !== null ? body.error?.type : undefined;
      throw new errors.APIError(undefined, body as object, undefined, res.headers as unknown as Headers, type);
    }
    if (!sse.data) continue;
    yield JSON.parse(sse.data) as Anthropic.RawMessageStreamEvent;
  }
}
