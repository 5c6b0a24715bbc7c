import Anthropic from '@anthropic-ai/sdk';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import type { MetricsService } from '@src/billing/metrics.service';
import { AppError } from '@src/common/errors/app-error';
import type { AppConfig } from '@src/config/env.schema';
import { DEFAULT_CIRCUIT_OPTIONS } from '@src/llm/routing/circuit-breaker';
import type { ModelTarget } from '@src/llm/routing/model-resolver.service';
import type { ProviderSettingsService } from '@src/llm/providers/settings/provider-settings.service';
import { LlmProvider, ProviderError } from '@src/llm/providers/llm-provider';
import { toProviderError } from '@src/llm/providers/sdk-errors';
import { RETRY_AFTER_CAP_S, RouterService, RoutingClock, RoutingError } from '@src/llm/routing/router.service';

/** A clock the test moves by hand; sleeping advances it and records the wait. */
class FakeClock implements RoutingClock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  randomValue = 0.5;
  now = (): number => this.time;
  random = (): number => this.randomValue;
  sleep = async (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
  };
  advance(ms: number): void {
    this.time += ms;
  }
}

function targetOf(providerId: string, configured = true): ModelTarget {
  const descriptor = { id: providerId, env: { apiKey: `${providerId.toUpperCase()}_KEY`, baseUrl: `${providerId.toUpperCase()}_URL` } };
  const provider = { id: providerId, descriptor, isConfigured: () => configured } as unknown as LlmProvider;
  return { provider, providerId, model: 'm', id: `${providerId}/m` };
}

const NEVER_ABORTED = new AbortController().signal;
const rateLimited = (retryAfterS?: number) => new ProviderError('rate_limited', 'slow down', 429, retryAfterS);
const serverError = () => new ProviderError('server_error', 'boom', 500);

describe(RouterService.name, () => {
  let clock: FakeClock;
  let metrics: jest.Mocked<Pick<MetricsService, 'upstreamError'>>;
  let sut: RouterService;
  const primary = targetOf('alpha');
  const fallback = targetOf('beta');

  function build(maxRetries = 2, retryBaseMs = 100): RouterService {
    const config = {
      providers: {
        maxRetries,
        retryBaseMs,
        circuitFailureThreshold: DEFAULT_CIRCUIT_OPTIONS.failureThreshold,
        circuitOpenMs: DEFAULT_CIRCUIT_OPTIONS.openMs,
      },
    } as AppConfig;
    const settings = { timeoutOf: jest.fn().mockReturnValue(60_000) } as unknown as jest.Mocked<ProviderSettingsService>;
    return new RouterService(config, settings, metrics as unknown as MetricsService, clock);
  }

  /** A call that fails with the given errors in turn, then answers with the target it was given. */
  function failing(...errors: Error[]): jest.Mock<Promise<string>, [ModelTarget]> {
    return jest.fn(async (target: ModelTarget) => {
      const error = errors.shift();
      if (error) throw error;
      return `answer from ${target.id}`;
    });
  }

  async function routingErrorOf(work: Promise<unknown>): Promise<RoutingError> {
    const error = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof RoutingError)) throw new Error(`expected a RoutingError, got ${String(error)}`);
    return error;
  }

  beforeEach(() => {
    clock = new FakeClock();
    metrics = { upstreamError: jest.fn() };
    sut = build();
  });

  describe('retries', () => {
    it('backs off with full jitter: a random share of base × 2^retry before each retry', async () => {
      clock.randomValue = 0.5;
      const call = failing(serverError(), serverError());
      const routed = await sut.run([primary], NEVER_ABORTED, call);
      expect(routed).toEqual({ value: 'answer from alpha/m', target: primary, attempts: 3 });
      expect(clock.sleeps).toEqual([50, 100]);
    });

    it('draws each wait from the random source, never past the exponential ceiling', async () => {
      clock.randomValue = 0.999;
      await sut.run([primary], NEVER_ABORTED, failing(serverError(), serverError()));
      expect(clock.sleeps).toEqual([99, 199]);
      clock.sleeps.length = 0;
      clock.randomValue = 0;
      await sut.run([primary], NEVER_ABORTED, failing(serverError()));
      expect(clock.sleeps).toEqual([0]);
    });

    it('stops after the configured retries and answers 502 upstream_error counting every attempt', async () => {
      const call = failing(serverError(), serverError(), serverError(), serverError());
      const error = await routingErrorOf(sut.run([primary], NEVER_ABORTED, call));
      expect(error.code).toBe('upstream_error');
      expect(error.attempts).toBe(3);
      expect(error.message).toBe('alpha/m failed after 3 attempts: boom');
      expect(call).toHaveBeenCalledTimes(3);
      expect(metrics.upstreamError).toHaveBeenCalledWith('alpha', 'server_error');
    });

    it('waits exactly the Retry-After the provider asks for, in place of the backoff', async () => {
      await sut.run([primary], NEVER_ABORTED, failing(rateLimited(3)));
      expect(clock.sleeps).toEqual([3_000]);
    });

    it('honours a Retry-After at the cap, and moves to the next fallback at once when it is longer', async () => {
      await sut.run([primary], NEVER_ABORTED, failing(rateLimited(RETRY_AFTER_CAP_S)));
      expect(clock.sleeps).toEqual([RETRY_AFTER_CAP_S * 1000]);

      clock.sleeps.length = 0;
      const call = failing(rateLimited(RETRY_AFTER_CAP_S + 1));
      const routed = await sut.run([primary, fallback], NEVER_ABORTED, call);
      expect(clock.sleeps).toEqual([]);
      expect(routed).toMatchObject({ target: fallback, attempts: 2 });
    });

    it('does not retry an error that says nothing will change (auth), but still falls back', async () => {
      const call = failing(new ProviderError('auth', 'bad key', 401));
      const routed = await sut.run([primary, fallback], NEVER_ABORTED, call);
      expect(routed).toMatchObject({ target: fallback, attempts: 2 });
      expect(clock.sleeps).toEqual([]);
    });

    it('answers a rejected request as validation_error at once, with no retry and no fallback', async () => {
      const call = failing(new ProviderError('bad_request', 'max_tokens too large', 400));
      const error = await routingErrorOf(sut.run([primary, fallback], NEVER_ABORTED, call));
      expect(error.code).toBe('validation_error');
      expect(error.message).toBe('alpha/m rejected the request: max_tokens too large');
      expect(error.details).toEqual([{ field: 'body', message: 'max_tokens too large' }]);
      expect(error.target).toBe(primary);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it('does not say the provider rejected a request its own request building refused (no status: nothing was sent)', async () => {
      const call = failing(new ProviderError('bad_request', 'tool call t has arguments that are not a JSON object', undefined, undefined, 'messages'));
      const error = await routingErrorOf(sut.run([primary, fallback], NEVER_ABORTED, call));
      expect(error.message).toBe('alpha/m cannot take the request: tool call t has arguments that are not a JSON object');
      expect(error.details).toEqual([{ field: 'messages', message: 'tool call t has arguments that are not a JSON object' }]);
    });

    it("names the field the provider's refusal named", async () => {
      const call = failing(new ProviderError('bad_request', 'max_tokens too large', 400, undefined, 'max_tokens'));
      const error = await routingErrorOf(sut.run([primary], NEVER_ABORTED, call));
      expect(error.details).toEqual([{ field: 'max_tokens', message: 'max_tokens too large' }]);
    });

    /** A 404 answer as the provider's SDK raises it from the body (as a direct call does, through APIError.generate). */
    const notFound = (sdk: { APIError: { generate(...args: never[]): Error } }, body: object) =>
      toProviderError((sdk.APIError.generate as (...args: unknown[]) => Error)(404, body, undefined, new Headers()));

    it.each([
      [
        'OpenAI',
        OpenAI,
        { error: { message: 'The model `gpt-x` does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' } },
      ],
      [
        'Groq',
        Groq,
        { error: { message: 'The model `llama-x` does not exist or you do not have access to it.', type: 'invalid_request_error', code: 'model_not_found' } },
      ],
      ['Anthropic', Anthropic, { type: 'error', error: { type: 'not_found_error', message: 'model: claude-x' } }],
      ['Ollama', OpenAI, { error: { message: 'model "llama-x" not found, try pulling it first', type: 'api_error', param: null, code: null } }],
      ['vLLM (error field)', OpenAI, { error: { message: 'The model `x` does not exist.', type: 'NotFoundError', param: null, code: 404 } }],
      // vLLM before its errors took OpenAI's shape: no `error` field, so the OpenAI SDK keeps none of its words
      ['vLLM (top-level message)', OpenAI, { object: 'error', message: 'The model `x` does not exist.', type: 'NotFoundError', param: null, code: 404 }],
    ])('refuses the model field (400) on %s’s 404 for an unknown model, with no fallback', async (_provider, sdk, body) => {
      const call = failing(notFound(sdk, body));
      const error = await routingErrorOf(sut.run([primary, fallback], NEVER_ABORTED, call));
      expect(error.code).toBe('validation_error');
      expect(error.details).toEqual([{ field: 'model', message: expect.stringMatching(/^404 /) as string }]);
      expect(call).toHaveBeenCalledTimes(1);
    });

    it.each([
      ['OpenAI', OpenAI, { error: { message: 'Invalid URL (POST /chat/completions)', type: 'invalid_request_error', param: null, code: null } }],
      ['Anthropic', Anthropic, { type: 'error', error: { type: 'not_found_error', message: 'Not Found' } }],
    ])('fails a 404 for a route %s does not have as the upstream’s error, saying to check the base URL', async (_provider, sdk, body) => {
      const error = await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(notFound(sdk, body))));
      expect(error.code).toBe('upstream_error');
      expect(error.message).toMatch(/no such route: check its base URL/);
    });

    it('reports a timeout as 504 upstream_timeout', async () => {
      const error = await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(new ProviderError('timeout', 'slow'))));
      expect(error.code).toBe('upstream_timeout');
      expect(error.message).toBe('alpha/m did not answer in time (after 1 attempt)');
    });
  });

  describe('fallbacks', () => {
    it('tries the targets in order and answers from the first that succeeds', async () => {
      const third = targetOf('gamma');
      const seen: string[] = [];
      sut = build(0);
      const routed = await sut.run([primary, fallback, third], NEVER_ABORTED, async (target) => {
        seen.push(target.id);
        if (target !== third) throw serverError();
        return 'ok';
      });
      expect(seen).toEqual(['alpha/m', 'beta/m', 'gamma/m']);
      expect(routed).toEqual({ value: 'ok', target: third, attempts: 3 });
    });

    it('counts the retries on every target in the attempts', async () => {
      const call = failing(serverError(), serverError(), serverError(), serverError());
      const routed = await sut.run([primary, fallback], NEVER_ABORTED, call);
      expect(routed).toMatchObject({ target: fallback, attempts: 5 });
    });

    it('skips a target whose provider is not configured, and answers provider_not_configured when none is', async () => {
      const unconfigured = targetOf('off', false);
      const call = failing();
      expect(await sut.run([unconfigured, fallback], NEVER_ABORTED, call)).toMatchObject({ target: fallback, attempts: 1 });
      const error = await routingErrorOf(sut.run([unconfigured], NEVER_ABORTED, call));
      expect(error.code).toBe('provider_not_configured');
      // the hint names the key variable the provider declares, not one guessed from its id
      expect(error.message).toContain('set OFF_KEY in the server');
      expect(error.attempts).toBe(0);
    });

    it('records the last target tried on a final failure', async () => {
      sut = build(0);
      const error = await routingErrorOf(sut.run([primary, fallback], NEVER_ABORTED, failing(serverError(), serverError())));
      expect(error.target).toBe(fallback);
      expect(error.attempts).toBe(2);
    });
  });

  describe('circuit breaker', () => {
    const threshold = DEFAULT_CIRCUIT_OPTIONS.failureThreshold;

    async function tripCircuit(): Promise<void> {
      sut = build(threshold - 1);
      await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(...Array.from({ length: threshold }, serverError))));
    }

    it('opens after consecutive failures and then answers 503 provider_unavailable without calling the provider', async () => {
      await tripCircuit();
      expect(sut.breaker('alpha').state).toBe('open');
      const call = failing();
      const error = await routingErrorOf(sut.run([primary], NEVER_ABORTED, call));
      expect(error.code).toBe('provider_unavailable');
      expect(error.retryAfterS).toBe(DEFAULT_CIRCUIT_OPTIONS.openMs / 1000);
      expect(call).not.toHaveBeenCalled();
    });

    it('falls back past an open circuit', async () => {
      await tripCircuit();
      const routed = await sut.run([primary, fallback], NEVER_ABORTED, failing());
      expect(routed).toMatchObject({ target: fallback, attempts: 1 });
    });

    it('lets one probe through once the open period is over (half-open), and closes on its success', async () => {
      await tripCircuit();
      clock.advance(DEFAULT_CIRCUIT_OPTIONS.openMs);
      expect(sut.breaker('alpha').state).toBe('half_open');
      const routed = await sut.run([primary], NEVER_ABORTED, failing());
      expect(routed).toMatchObject({ target: primary, attempts: 1 });
      expect(sut.breaker('alpha').state).toBe('closed');
    });

    it('opens again at once when the probe fails, without retrying it', async () => {
      await tripCircuit();
      clock.advance(DEFAULT_CIRCUIT_OPTIONS.openMs);
      const call = failing(serverError(), serverError());
      const error = await routingErrorOf(sut.run([primary], NEVER_ABORTED, call));
      expect(call).toHaveBeenCalledTimes(1);
      expect(error.code).toBe('upstream_error');
      expect(sut.breaker('alpha').state).toBe('open');
    });

    it('does not count a rejected request against the provider', async () => {
      sut = build(0);
      for (let i = 0; i < threshold + 1; i++) {
        await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(new ProviderError('bad_request', 'no'))));
      }
      expect(sut.breaker('alpha').state).toBe('closed');
    });

    it('keeps token counting on a circuit of its own: refused counts leave generations alone, and a count never closes their circuit', async () => {
      sut = build(0);
      for (let i = 0; i < threshold; i++) {
        await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(rateLimited()), 'token_count'));
      }
      expect(sut.breaker('alpha', 'token_count').state).toBe('open');
      expect(sut.breaker('alpha').state).toBe('closed');
      await expect(sut.run([primary], NEVER_ABORTED, failing())).resolves.toMatchObject({ target: primary });
      const refused = await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(), 'token_count'));
      expect(refused.code).toBe('provider_unavailable');
      expect(refused.message).toContain('token counting');

      for (let i = 0; i < threshold; i++) await routingErrorOf(sut.run([primary], NEVER_ABORTED, failing(serverError())));
      clock.advance(DEFAULT_CIRCUIT_OPTIONS.openMs);
      await sut.run([primary], NEVER_ABORTED, failing(), 'token_count');
      expect(sut.breaker('alpha').state).toBe('half_open');
    });

    it('resetCircuits closes every circuit', async () => {
      await tripCircuit();
      sut.resetCircuits();
      expect(sut.breaker('alpha').state).toBe('closed');
    });
  });

  describe('client abort', () => {
    it('stops at once with a cancelled RoutingError and no retry when the client has gone', async () => {
      const client = new AbortController();
      const call = jest.fn(async () => {
        client.abort();
        throw serverError();
      });
      const error = await routingErrorOf(sut.run([primary, fallback], client.signal, call));
      expect(error.cancelled).toBe(true);
      expect(error.attempts).toBe(1);
      expect(error.target).toBe(primary);
      expect(call).toHaveBeenCalledTimes(1);
      expect(metrics.upstreamError).not.toHaveBeenCalled();
    });
  });

  describe('streams', () => {
    async function* events(...items: ({ type: 'text'; text: string } | Error)[]): AsyncIterable<never> {
      for (const item of items) {
        if (item instanceof Error) throw item;
        yield item as never;
      }
    }

    it('retries until the first event has arrived, and reports the time to it from the clock', async () => {
      const opens: string[] = [];
      const opened = await sut.openStream([primary], NEVER_ABORTED, (target) => {
        opens.push(target.id);
        return opens.length === 1 ? events(serverError()) : events({ type: 'text', text: 'hi' });
      });
      expect(opens).toEqual(['alpha/m', 'alpha/m']);
      expect(opened).toMatchObject({ target: primary, attempts: 2, first: { type: 'text', text: 'hi' }, ttftMs: 50 });
      opened.release();
    });

    it('counts a stream cut after it opened against the circuit, but not a client abort', () => {
      for (let i = 0; i < threshold(); i++) sut.streamFailed(primary, new ProviderError('aborted', 'gone'));
      expect(sut.breaker('alpha').state).toBe('closed');
      for (let i = 0; i < threshold(); i++) sut.streamFailed(primary, serverError());
      expect(sut.breaker('alpha').state).toBe('open');
      expect(metrics.upstreamError).toHaveBeenCalledTimes(threshold());
    });

    function threshold(): number {
      return DEFAULT_CIRCUIT_OPTIONS.failureThreshold;
    }
  });

  it('wraps an AppError thrown by a provider (missing key at call time) as a non-retried auth failure', async () => {
    const call = failing(new AppError('provider_not_configured', 'no key'));
    const routed = await sut.run([primary, fallback], NEVER_ABORTED, call);
    expect(routed).toMatchObject({ target: fallback, attempts: 2 });
    expect(clock.sleeps).toEqual([]);
  });
});
