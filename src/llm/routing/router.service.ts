import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { MetricsService } from '../../billing/metrics.service';
import { AppError } from '../../common/errors/app-error';
import { CallSignal } from '../../common/call-signal';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/env.schema';
import { CircuitBreaker, CircuitBreakerOptions, CircuitState } from './circuit-breaker';
import { ModelTarget } from './model-resolver.service';
import { ProviderSettingsService } from '../providers/settings/provider-settings.service';
import { LlmProvider, ProviderError, StreamEvent } from '../providers/llm-provider';
import { toProviderError } from '../providers/sdk-errors';

/** The longest Retry-After the router waits for; a longer one moves on to the next fallback. */
export const RETRY_AFTER_CAP_S = 30;

/** Which circuit breaker a call reports to: its provider's generations, or its token counting (limited apart upstream). */
export type Circuit = 'generation' | 'token_count';

/** What a routed call produced, and what it took. */
export interface Routed<T> {
  value: T;
  target: ModelTarget;
  attempts: number;
}

/** A stream whose first event has arrived: from here on it is never retried. */
export interface OpenedStream {
  target: ModelTarget;
  attempts: number;
  /** the first event, already read (undefined when the stream was empty) */
  first: StreamEvent | undefined;
  rest: AsyncIterator<StreamEvent>;
  /** ms from the start of the routing to the first event */
  ttftMs: number;
  /** detaches the stream from the client's signal; call once the stream is over */
  release(): void;
}

/**
 * Routing failed for good. Carries what the usage record needs: the attempts
 * made, the last target tried, and whether the client itself went away.
 */
export class RoutingError extends AppError {
  constructor(
    error: AppError,
    readonly attempts: number,
    readonly target: ModelTarget | undefined,
    readonly cancelled = false,
  ) {
    super(error.code, error.message, error.details, error.retryAfterS);
  }
}

/**
 * Time and chance as the router sees them: the circuit breakers' clock, the
 * wait before a retry and the jitter. Unit tests inject their own.
 */
export interface RoutingClock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
  random(): number;
}

export const ROUTING_CLOCK = Symbol('ROUTING_CLOCK');

interface Attempt {
  signal: AbortSignal;
  timeoutMs: number;
  /** stops the per-attempt timer (the stream keeps the client link) */
  settle(): void;
  /** detaches from the client's signal */
  readonly release: () => void;
  timedOut(): boolean;
}

/**
 * Retries, timeouts, circuit breakers and fallbacks, once for every provider
 * (see docs/ARCHITECTURE.md). Providers only map requests; they never retry.
 */
@Injectable()
export class RouterService implements OnModuleInit {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly settings: ProviderSettingsService,
    private readonly metrics: MetricsService,
    @Optional() @Inject(ROUTING_CLOCK) private readonly clock: RoutingClock = SYSTEM_CLOCK,
  ) {}

  onModuleInit(): void {
    this.metrics.attachCircuits(() => this.circuits());
  }

  /** Every circuit so far (a provider's first call makes its circuit), for /metrics. */
  circuits(): { provider: string; circuit: Circuit; state: CircuitState }[] {
    return [...this.breakers].map(([key, breaker]) => {
      const [provider, circuit = 'generation'] = key.split('\u0000') as [string, Circuit?];
      return { provider, circuit, state: breaker.state };
    });
  }

  /** The circuit of a provider's generations (the one the console shows), or of another kind of call to it. */
  breaker(providerId: string, circuit: Circuit = 'generation'): CircuitBreaker {
    const key = circuit === 'generation' ? providerId : `${providerId}\u0000${circuit}`;
    let breaker = this.breakers.get(key);
    if (!breaker) {
      breaker = new CircuitBreaker(this.circuitOptions(), () => this.clock.now());
      this.breakers.set(key, breaker);
    }
    return breaker;
  }

  private circuitOptions(): CircuitBreakerOptions {
    return { failureThreshold: this.config.providers.circuitFailureThreshold, openMs: this.config.providers.circuitOpenMs };
  }

  /** Closes every circuit (operator action after fixing a provider; tests). */
  resetCircuits(): void {
    this.breakers.clear();
  }

  // ---- calls ----

  /**
   * A non-streaming call over the targets in order, with retries per target. `circuit` says whose
   * health its failures speak for: a call with limits of its own upstream (Anthropic's count_tokens)
   * has its own circuit, so a flood of them that the provider refuses cannot open the circuit of
   * every client's generations, nor can one success close it.
   */
  async run<T>(
    targets: ModelTarget[],
    signal: AbortSignal,
    call: (target: ModelTarget, signal: AbortSignal, timeoutMs: number) => Promise<T>,
    circuit: Circuit = 'generation',
  ): Promise<Routed<T>> {
    let attempts = 0;
    const opened = await this.route(
      targets,
      signal,
      async (target, attempt) => {
        attempts += 1;
        try {
          return await call(target, attempt.signal, attempt.timeoutMs);
        } finally {
          attempt.settle();
          attempt.release();
        }
      },
      () => attempts,
      circuit,
    );
    return { value: opened.value, target: opened.target, attempts };
  }

  /**
   * Opens a stream over the targets in order: retries and fallbacks apply
   * until the first event has arrived, never after.
   */
  async openStream(
    targets: ModelTarget[],
    signal: AbortSignal,
    open: (target: ModelTarget, signal: AbortSignal, timeoutMs: number) => AsyncIterable<StreamEvent>,
  ): Promise<OpenedStream> {
    const started = this.clock.now();
    let attempts = 0;
    const opened = await this.route(
      targets,
      signal,
      async (target, attempt) => {
        attempts += 1;
        const iterator = open(target, attempt.signal, attempt.timeoutMs)[Symbol.asyncIterator]();
        try {
          const first = await iterator.next();
          attempt.settle();
          return { iterator, first: first.done ? undefined : first.value, release: attempt.release };
        } catch (err) {
          attempt.settle();
          attempt.release();
          throw err;
        }
      },
      () => attempts,
    );
    return {
      target: opened.target,
      attempts,
      first: opened.value.first,
      rest: opened.value.iterator,
      ttftMs: this.clock.now() - started,
      release: opened.value.release,
    };
  }

  /** Records a failure seen after a stream opened (a cut stream), for the provider's circuit and metrics. */
  streamFailed(target: ModelTarget, error: ProviderError): void {
    if (error.kind === 'aborted') return;
    this.metrics.upstreamError(target.providerId, error.kind);
    if (countsAgainstCircuit(error)) this.breaker(target.providerId).failure();
  }

  private async route<T>(
    targets: ModelTarget[],
    signal: AbortSignal,
    attemptOnce: (target: ModelTarget, attempt: Attempt) => Promise<T>,
    attemptsSoFar: () => number,
    circuit: Circuit = 'generation',
  ): Promise<{ value: T; target: ModelTarget }> {
    let lastError: ProviderError | undefined;
    let lastTarget: ModelTarget | undefined;
    let unavailable: AppError | undefined;
    for (const target of targets) {
      if (!target.provider.isConfigured()) {
        unavailable ??= notConfigured(target.provider);
        continue;
      }
      const breaker = this.breaker(target.providerId, circuit);
      for (let retry = 0; ; retry++) {
        if (signal.aborted)
          throw new RoutingError(new AppError('client_closed_request', 'The client closed the request'), attemptsSoFar(), lastTarget ?? target, true);
        if (!breaker.tryAcquire()) {
          unavailable ??= new AppError(
            'provider_unavailable',
            `Provider "${target.providerId}"${circuit === 'token_count' ? "'s token counting" : ''} is unavailable (circuit open after repeated failures)`,
            [],
            breaker.retryAfterS(),
          );
          break;
        }
        lastTarget = target;
        const attempt = this.attempt(target.providerId, signal);
        try {
          const value = await attemptOnce(target, attempt);
          breaker.success();
          return { value, target };
        } catch (err) {
          const error = classify(err, signal, attempt.timedOut());
          if (error.kind === 'aborted') {
            breaker.release();
            throw new RoutingError(new AppError('client_closed_request', 'The client closed the request'), attemptsSoFar(), target, true);
          }
          this.metrics.upstreamError(target.providerId, error.kind);
          if (countsAgainstCircuit(error)) breaker.failure();
          else breaker.release();
          if (error.kind === 'bad_request' && !isMissingRoute(error)) {
            // no status: the provider's own request building refused it, and nothing was sent
            const refused = error.status === undefined ? 'cannot take the request' : 'rejected the request';
            throw new RoutingError(
              new AppError('validation_error', `${target.id} ${refused}: ${error.message}`, [
                // the field the provider named; a 404 from a model route is the provider not knowing the model (or the key not reaching it)
                { field: error.param ?? (error.status === 404 ? 'model' : 'body'), message: error.message },
              ]),
              attemptsSoFar(),
              target,
            );
          }
          lastError = isMissingRoute(error) ? missingRouteError(error) : error;
          const delay = this.retryDelay(error, retry);
          if (delay === undefined) break;
          await this.clock.sleep(delay, signal).catch(() => undefined);
        }
      }
    }
    const attempts = attemptsSoFar();
    if (!lastError)
      throw new RoutingError(
        unavailable ?? new AppError('provider_unavailable', 'No provider is configured for this request'),
        attempts,
        lastTarget ?? targets[0],
      );
    const via = lastTarget ? `${lastTarget.id}` : 'the provider';
    if (lastError.kind === 'timeout') {
      throw new RoutingError(
        new AppError('upstream_timeout', `${via} did not answer in time (after ${attempts} attempt${attempts === 1 ? '' : 's'})`),
        attempts,
        lastTarget,
      );
    }
    throw new RoutingError(
      new AppError('upstream_error', `${via} failed after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${lastError.message}`),
      attempts,
      lastTarget,
    );
  }

  /** ms to wait before retrying the same provider, or undefined to move on. Full jitter, Retry-After honoured up to a cap. */
  private retryDelay(error: ProviderError, retry: number): number | undefined {
    if (!error.retryable || retry >= this.config.providers.maxRetries) return undefined;
    if (error.retryAfterS !== undefined) {
      if (error.retryAfterS > RETRY_AFTER_CAP_S) return undefined;
      return error.retryAfterS * 1000;
    }
    const base = this.config.providers.retryBaseMs;
    return Math.floor(this.clock.random() * base * 2 ** retry);
  }

  private attempt(providerId: string, client: AbortSignal): Attempt {
    return new AttemptLink(client, this.settings.timeoutOf(providerId));
  }
}

/**
 * One attempt's signal: aborted by the client's signal or by the attempt's timer. A class with
 * prototype methods (the listener is the object itself, through handleEvent; the timer gets it as
 * an argument), so an attempt allocates no closures.
 */
class AttemptLink implements Attempt {
  private readonly controller = new CallSignal();
  private readonly timer: NodeJS.Timeout;
  private expired = false;

  constructor(
    private readonly client: AbortSignal,
    readonly timeoutMs: number,
  ) {
    client.addEventListener('abort', this, { once: true });
    // the SDKs time out themselves too; this also bounds strategies without a client (mock) and the wait for a stream's first event
    this.timer = setTimeout(expireAttempt, timeoutMs, this);
  }

  get signal(): AbortSignal {
    return this.controller;
  }

  /** the client's signal aborted */
  handleEvent(): void {
    this.controller.abort();
  }

  expire(): void {
    this.expired = true;
    this.controller.abort();
  }

  settle(): void {
    clearTimeout(this.timer);
  }

  /** an arrow property, as the stream hands it on detached from the attempt */
  readonly release = (): void => this.client.removeEventListener('abort', this);

  timedOut(): boolean {
    return this.expired;
  }
}

function expireAttempt(attempt: AttemptLink): void {
  attempt.expire();
}

/**
 * A provider with no key (or switched off) is the caller's or operator's to fix,
 * not a passing outage: a 400 that SDKs do not retry, saying what to set.
 */
export function notConfigured(provider: LlmProvider): AppError {
  const keyVariable = provider.descriptor.env?.apiKey ?? `${provider.id.toUpperCase()}_API_KEY`;
  const hint = provider.setupHint ?? `set ${keyVariable} in the server's environment, or add a key on the console's Providers page`;
  return new AppError('provider_not_configured', `Provider "${provider.id}" is not configured: ${hint}. GET /v1/models lists the models you may use.`, [
    { field: 'model', message: `provider "${provider.id}" is not configured` },
  ]);
}

/** The OpenAI SDK's message for an error body it found no `error` field in: the provider's words are lost. */
const WORDS_LOST = /status code \(no body\)$/;

/**
 * A 404 whose words do not name the model: the provider has no such route, so the base URL it was
 * given is wrong (an OpenAI one without its /v1) or it does not serve this endpoint. That is the
 * operator's to fix, not the caller's request: it fails as the upstream's error, not as a refusal
 * of the model field. (Each provider's "unknown model" 404 names the model.) A 404 whose words the
 * SDK dropped says neither: vLLM's unknown model (`{"message": "The model `x` does not exist."}`,
 * no `error` field) reads so, and stays a refusal of the model field.
 */
function isMissingRoute(error: ProviderError): boolean {
  return error.status === 404 && !/model/i.test(error.message) && !WORDS_LOST.test(error.message);
}

function missingRouteError(error: ProviderError): ProviderError {
  return new ProviderError(error.kind, `${error.message} (the provider has no such route: check its base URL, or that it serves this endpoint)`, error.status);
}

function classify(err: unknown, client: AbortSignal, timedOut: boolean): ProviderError {
  if (client.aborted) return new ProviderError('aborted', 'The request was aborted');
  if (timedOut) return new ProviderError('timeout', 'The provider did not answer in time');
  if (err instanceof ProviderError) return err;
  if (err instanceof AppError) return new ProviderError('auth', err.message);
  return toProviderError(err);
}

/** A bad request says nothing about the provider's health; everything else does. */
function countsAgainstCircuit(error: ProviderError): boolean {
  return error.kind !== 'bad_request' && error.kind !== 'aborted';
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const SYSTEM_CLOCK: RoutingClock = { now: Date.now, sleep: abortableSleep, random: Math.random };
