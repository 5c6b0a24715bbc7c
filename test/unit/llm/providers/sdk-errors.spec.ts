import Anthropic from '@anthropic-ai/sdk';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import { ProviderError } from '@src/llm/providers/llm-provider';
import { parseRetryAfter, toProviderError } from '@src/llm/providers/sdk-errors';

const SDKS = [
  { name: 'openai', sdk: OpenAI },
  { name: 'anthropic', sdk: Anthropic },
  { name: 'groq', sdk: Groq },
] as const;

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after': '7' }))).toBe(7);
  });

  it('prefers retry-after-ms, converted to seconds', () => {
    expect(parseRetryAfter(new Headers({ 'retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1.5);
  });

  it('reads an HTTP date as the seconds left until it', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(30);
  });

  it('never answers a negative wait for a date in the past', () => {
    const now = Date.parse('2025-01-01T00:01:00Z');
    expect(parseRetryAfter(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }), now)).toBe(0);
  });

  it('accepts a plain header record', () => {
    expect(parseRetryAfter({ 'retry-after': '4' })).toBe(4);
  });

  it('is undefined when the header is absent or unreadable', () => {
    expect(parseRetryAfter(new Headers())).toBeUndefined();
    expect(parseRetryAfter(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });
});

describe.each(SDKS)('toProviderError with $name SDK errors', ({ sdk }) => {
  const apiError = (status: number, headers: Record<string, string> = {}) =>
    sdk.APIError.generate(status, { error: { message: 'upstream said no' } }, undefined, new Headers(headers));

  it('maps 429 to rate_limited with the Retry-After seconds', () => {
    const error = toProviderError(apiError(429, { 'retry-after': '12' }));
    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, retryAfterS: 12 });
  });

  it('maps 5xx to server_error', () => {
    expect(toProviderError(apiError(500))).toMatchObject({ kind: 'server_error', status: 500 });
    expect(toProviderError(apiError(529))).toMatchObject({ kind: 'server_error', status: 529 });
  });

  it('maps 401 and 403 to auth', () => {
    expect(toProviderError(apiError(401)).kind).toBe('auth');
    expect(toProviderError(apiError(403)).kind).toBe('auth');
  });

  it('maps other 4xx to bad_request', () => {
    expect(toProviderError(apiError(400)).kind).toBe('bad_request');
    expect(toProviderError(apiError(404)).kind).toBe('bad_request');
    expect(toProviderError(apiError(422)).kind).toBe('bad_request');
  });

  it('keeps the field an OpenAI-shaped refusal names (its param), and none otherwise', () => {
    const named = toProviderError(sdk.APIError.generate(400, { error: { message: 'too long', param: 'messages' } }, undefined, new Headers()));
    expect(named.param).toBe('messages');
    expect(toProviderError(apiError(400)).param).toBeUndefined();
  });

  it('maps the SDK timeout to timeout, its abort to aborted and a connection failure to connection', () => {
    expect(toProviderError(new sdk.APIConnectionTimeoutError()).kind).toBe('timeout');
    expect(toProviderError(new sdk.APIUserAbortError()).kind).toBe('aborted');
    expect(toProviderError(new sdk.APIConnectionError({ message: 'ECONNREFUSED' })).kind).toBe('connection');
  });

  it("says what failed to connect by the cause's code, never quoting an address the cause's message names", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.1.2.3:11434'), { code: 'ECONNREFUSED' });
    const error = toProviderError(new sdk.APIConnectionError({ message: undefined, cause: refused }));
    expect(error.kind).toBe('connection');
    expect(error.message).toBe('Could not reach the provider: Connection error (ECONNREFUSED)');
    expect(error.message).not.toContain('10.1.2.3');
  });

  it('says a redirect is not followed and points at the base URL', () => {
    const error = toProviderError(apiError(301));
    expect(error.kind).toBe('malformed');
    expect(error.status).toBe(301);
    expect(error.message).toBe('The provider answered 301, a redirect, which is not followed: check its base URL (its scheme, host and API path)');
  });

  it('reports response headers past the size limit as a malformed answer, not as a provider that could not be reached', () => {
    const overflow = Object.assign(new Error('Headers Overflow Error'), { code: 'UND_ERR_HEADERS_OVERFLOW' });
    const error = toProviderError(new sdk.APIConnectionError({ message: undefined, cause: overflow }));
    expect(error.kind).toBe('malformed');
    expect(error.message).toBe('The provider answered with response headers larger than 16 KB');
  });

  it('treats a connection error at or after the call deadline as the timeout', () => {
    expect(toProviderError(new sdk.APIConnectionError({ message: 'Connection error.' }), undefined, Date.now() - 1).kind).toBe('timeout');
    expect(toProviderError(new sdk.APIConnectionError({ message: 'Connection error.' }), undefined, Date.now() + 60_000).kind).toBe('connection');
  });

  it('maps an error event inside a stream (no status) by its error type', () => {
    const overloaded = new sdk.APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, undefined);
    const limited = new sdk.APIError(undefined, { type: 'rate_limit_error', message: 'slow down' }, undefined, undefined);
    expect(toProviderError(overloaded).kind).toBe('server_error');
    expect(toProviderError(limited).kind).toBe('rate_limited');
  });
});

describe('toProviderError messages', () => {
  it('says what Anthropic said, not its error body as JSON', () => {
    const body = { type: 'error', error: { type: 'invalid_request_error', message: 'messages.0.content: must be non-empty' }, request_id: 'req_1' };
    expect(toProviderError(Anthropic.APIError.generate(400, body, undefined, new Headers())).message).toBe('400 messages.0.content: must be non-empty');
    expect(toProviderError(new Anthropic.APIError(undefined, body, undefined, undefined)).message).toBe('messages.0.content: must be non-empty');
  });

  it('keeps the OpenAI SDK’s own message, and the JSON when a body has no message to take', () => {
    const openai = OpenAI.APIError.generate(400, { error: { message: 'Invalid x', type: 'invalid_request_error' } }, undefined, new Headers());
    expect(toProviderError(openai).message).toBe('400 Invalid x');
    expect(toProviderError(Anthropic.APIError.generate(400, { detail: 'nope' }, undefined, new Headers())).message).toBe('400 {"detail":"nope"}');
  });
});

describe('toProviderError with other failures', () => {
  it('reports aborted whenever the caller signal is aborted, whatever the SDK threw', () => {
    const controller = new AbortController();
    controller.abort();
    expect(toProviderError(new OpenAI.APIConnectionError({ message: 'x' }), controller.signal).kind).toBe('aborted');
  });

  it('maps a JSON parse failure to malformed', () => {
    let parseError: unknown;
    try {
      JSON.parse('{not json');
    } catch (err) {
      parseError = err;
    }
    expect(toProviderError(parseError).kind).toBe('malformed');
  });

  it('maps a socket closed mid-body (undici "terminated") to connection', () => {
    const terminated = new TypeError('terminated', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(toProviderError(terminated).kind).toBe('connection');
  });

  it('passes a ProviderError through unchanged', () => {
    const original = new ProviderError('bad_request', 'no');
    expect(toProviderError(original)).toBe(original);
  });

  it('maps anything unexpected to malformed rather than throwing it raw', () => {
    expect(toProviderError(new Error('Cannot read properties of undefined')).kind).toBe('malformed');
    expect(toProviderError('a string').kind).toBe('malformed');
  });
});
