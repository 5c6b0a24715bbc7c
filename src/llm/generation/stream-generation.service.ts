import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { GenerationHooks, PreparedGeneration, StreamSink, StreamSummary } from './generation.types';
import { FinishReason, ProviderError, StreamEvent, TokenUsage } from '../providers/llm-provider';
import { toProviderError } from '../providers/sdk-errors';
import { OpenedStream, RouterService } from '../routing/router.service';
import { ModelTarget } from '../routing/model-resolver.service';
import { TokensService } from './tokens.service';
import { AdmittedCall, CallRecord, UsageAccountingService } from './usage-accounting.service';
import { routeAdmitted } from './call-lifecycle';
import { NEVER_ABORTED } from '../../common/never-aborted';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/env.schema';
import { UpstreamStreamLink } from './upstream-stream-link';

/**
 * What a stream is charged: the provider's final usage; else the input side it
 * reported at the start with the output the client was sent (counted); else both
 * estimated.
 */
function spentTokens(reported: Extract<StreamEvent, { type: 'usage' }> | undefined, estimatedInput: number, seenOutput: () => number): TokenUsage {
  if (reported?.partial) return { ...reported.usage, outputTokens: Math.max(reported.usage.outputTokens, seenOutput()) };
  return reported?.usage ?? { inputTokens: estimatedInput, outputTokens: seenOutput() };
}

/**
 * A streamed generation: events go to the sink as they arrive (nothing is
 * buffered). Retries and fallbacks apply only until the first event. The usage
 * record is committed before the sink's final event; a client that leaves
 * aborts the upstream call and is recorded as `cancelled` with the tokens seen.
 * Once started, a stream whose provider sends nothing for
 * PROVIDER_STREAM_IDLE_TIMEOUT_MS is aborted and fails as `upstream_timeout`.
 */
@Injectable()
export class StreamGenerationService {
  constructor(
    private readonly router: RouterService,
    private readonly accounting: UsageAccountingService,
    private readonly tokens: TokensService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async run(prepared: PreparedGeneration, requestId: string, sink: StreamSink, hooks?: GenerationHooks, signal: AbortSignal = NEVER_ABORTED): Promise<void> {
    const upstream = new UpstreamStreamLink(signal, this.config.providers.streamIdleTimeoutMs);
    try {
      await this.stream(prepared, requestId, sink, hooks, signal, upstream);
    } finally {
      upstream.close();
    }
  }

  private async stream(
    prepared: PreparedGeneration,
    requestId: string,
    sink: StreamSink,
    hooks: GenerationHooks | undefined,
    signal: AbortSignal,
    upstream: UpstreamStreamLink,
  ): Promise<void> {
    const call = await this.accounting.admitPrepared(prepared, requestId, true, hooks);
    // a stream that never opened sent nothing to the client yet: the error leaves as a normal JSON error
    const opened: OpenedStream = await routeAdmitted(
      this.accounting,
      call,
      this.router.openStream(prepared.targets, upstream.signal, (t, attemptSignal, timeoutMs) =>
        t.provider.stream({ ...prepared.request, model: t.model, timeoutMs }, attemptSignal),
      ),
    );

    const { target, attempts } = opened;
    const seen = new SeenOutput();
    const record = (status: CallRecord['status'], usage: TokenUsage, finishReason: FinishReason, error: AppError | null): Promise<StreamSummary> =>
      this.finish(call, target, { usage, status, error, attempts, ttftMs: opened.ttftMs, finishReason });

    hooks?.upstream?.(opened.ttftMs);
    sink.open({
      requestId,
      target,
      requestedModel: prepared.requestedModel,
      attempts,
      estimatedInputTokens: prepared.estimatedInputTokens,
      createdAt: call.base.createdAt,
      headers: call.admission.headers,
    });
    let usage: Extract<StreamEvent, { type: 'usage' }> | undefined;
    // the provider's own finish event, passed on as it is (it may name the stop sequence)
    let finish: Extract<StreamEvent, { type: 'finish' }> | undefined;
    upstream.started();
    try {
      let next: IteratorResult<StreamEvent> = opened.first === undefined ? { done: true, value: undefined } : { done: false, value: opened.first };
      while (!next.done) {
        const event = next.value;
        if (event.type === 'usage') usage = event;
        else if (event.type === 'finish') finish = event;
        else {
          seen.add(event);
          sink.event(event);
        }
        next = await opened.rest.next();
        upstream.touch();
      }
      if (signal.aborted) throw new ProviderError('aborted', 'The client closed the request');
      if (finish === undefined) throw new ProviderError('connection', 'The provider stream ended before it finished');
    } catch (err) {
      opened.release();
      const error = signal.aborted
        ? new ProviderError('aborted', 'The client closed the request')
        : upstream.timedOut
          ? new ProviderError('timeout', `The provider sent nothing for ${upstream.idleMs} ms`)
          : toProviderError(err);
      this.router.streamFailed(target, error);
      const spent = spentTokens(usage, prepared.estimatedInputTokens, () => this.tokens.count(seen.text));
      if (error.kind === 'aborted') {
        await record('cancelled', spent, 'stop', new AppError('client_closed_request', 'The client closed the request'));
        return;
      }
      const appError = new AppError(error.kind === 'timeout' ? 'upstream_timeout' : 'upstream_error', `${target.id} stream failed: ${error.message}`);
      const summary = await record('error', spent, 'error', appError);
      sink.fail(appError, summary);
      return;
    }
    opened.release();
    // the finish event is sent now; the final event only after the record is committed
    sink.event(finish);
    const summary = await record(
      'success',
      spentTokens(usage, prepared.estimatedInputTokens, () => this.tokens.count(seen.text)),
      finish.finishReason,
      null,
    );
    sink.close(summary);
  }

  /** A stream's own end: success, an error after the first event, or the client leaving, with the time to first event. */
  private async finish(
    call: AdmittedCall,
    target: ModelTarget,
    outcome: {
      usage: TokenUsage;
      status: CallRecord['status'];
      error: AppError | null;
      attempts: number;
      ttftMs: number;
      finishReason: FinishReason;
    },
  ): Promise<StreamSummary> {
    const cost = this.accounting.cost(target.id, outcome.usage);
    const latencyMs = performance.now() - call.started;
    await this.accounting.finish(
      call.admission,
      {
        ...call.base,
        provider: target.providerId,
        model: target.model,
        cost,
        latencyMs,
        ttftMs: outcome.ttftMs,
        status: outcome.status,
        error: outcome.error,
        attempts: outcome.attempts,
        isStream: true,
      },
      call.hooks,
    );
    return { ...cost, finishReason: outcome.finishReason, latencyMs: Math.round(latencyMs), attempts: outcome.attempts };
  }
}

/** The text (reasoning, refusal and tool-call text included) a stream has carried so far, for counting tokens when the provider reports none. */
class SeenOutput {
  private parts: string[] = [];
  add(event: StreamEvent): void {
    if (event.type === 'text' || event.type === 'refusal' || event.type === 'thinking') this.parts.push(event.text);
    else if (event.type === 'tool_call_delta') this.parts.push((event.name ?? '') + (event.argumentsDelta ?? ''));
  }
  get text(): string {
    return this.parts.join('');
  }
}
