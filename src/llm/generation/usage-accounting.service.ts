import { Injectable, Logger } from '@nestjs/common';
import { Admission, AdmissionRequest, LimitsService } from '../../auth/limits/limits.service';
import { UsageRecord } from '../../billing/usage-record';
import { UsageRecorder } from '../../billing/usage-recorder.service';
import type { GenerationStatus } from '../../billing/generation-log.entity';
import { Caller } from '../../common/caller';
import { AppError } from '../../common/errors/app-error';
import { CallCost, GenerationHooks, PreparedGeneration, TemplateUse } from './generation.types';
import { PricingService } from '../pricing/pricing.service';
import Decimal from 'decimal.js';
import { ProviderError, TokenUsage } from '../providers/llm-provider';
import { RoutingError } from '../routing/router.service';
import { ModelTarget } from '../routing/model-resolver.service';
import type { GenerationEndpoint } from '../../common/generation-endpoints';

/** What one finished (or failed) call contributes to its usage record. */
/** What a call knows when it is recorded: the log row's own fields (UsageRecord), plus what they are derived from. */
export type CallRecord = Pick<
  UsageRecord,
  'id' | 'createdAt' | 'endpoint' | 'provider' | 'model' | 'requestedModel' | 'latencyMs' | 'status' | 'attempts' | 'isStream' | 'metadata'
> & {
  /** gives clientId and apiKeyId */
  caller: Caller;
  /** gives templateId, templateName and templateVersion */
  template: TemplateUse | null;
  /** gives the tokens, costUsd and priceUnknown */
  cost: CallCost;
  ttftMs?: UsageRecord['ttftMs'];
  /** gives errorCode and errorMessage */
  error?: AppError | null;
};

export const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

/** What a call's record says before the call has an outcome. */
export type CallBase = Omit<CallRecord, 'cost' | 'latencyMs' | 'status' | 'attempts'>;

/** A call admitted against the client's limits, from then until its usage record (see call-lifecycle.ts). */
export interface AdmittedCall {
  readonly base: CallBase;
  readonly admission: Admission;
  /** the target a call no provider answered is recorded against */
  readonly primary: ModelTarget;
  /** the input tokens a cancelled call is charged (it reached the provider); a failed one is charged nothing */
  readonly cancelledInputTokens: number;
  readonly hooks: GenerationHooks | undefined;
  /** performance.now() once admitted: where its latency starts */
  readonly started: number;
}

/**
 * The money side of every call: admission against the client's limits, the
 * cost at call time, and the one usage record (awaited before the answer goes
 * out) with the admission settled exactly once.
 */
@Injectable()
export class UsageAccountingService {
  private readonly logger = new Logger('UsageAccounting');

  constructor(
    private readonly limits: LimitsService,
    private readonly recorder: UsageRecorder,
    private readonly pricing: PricingService,
  ) {}

  /** Price of a call; null (price_unknown) when the model has no known price, never a silent $0. */
  cost(modelId: string, usage: TokenUsage): CallCost {
    const costUsd = this.pricing.costUsd(modelId, usage);
    return { usage, costUsd, priceUnknown: costUsd === null };
  }

  /** Most the call can cost, for the budget reservation. */
  maxCostUsd(modelId: string, estimatedInputTokens: number, maxOutputTokens: number): string | null {
    return this.pricing.maxCostUsd(modelId, estimatedInputTokens, maxOutputTokens);
  }

  /**
   * Admits the call or records its rejection (rate_limited / budget_exceeded)
   * and rethrows it. `base` describes the call for that rejection record.
   */
  async admit(
    base: Omit<CallRecord, 'cost' | 'latencyMs' | 'status' | 'attempts' | 'isStream'> & { isStream: boolean },
    request: AdmissionRequest,
    hooks?: GenerationHooks,
  ): Promise<Admission> {
    try {
      const admission = await this.limits.admit(base.caller, request);
      hooks?.headers?.(admission.headers);
      return admission;
    } catch (error) {
      const status: GenerationStatus | null =
        error instanceof AppError && error.code === 'rate_limited'
          ? 'rate_limited'
          : error instanceof AppError && error.code === 'budget_exceeded'
            ? 'budget_exceeded'
            : null;
      if (status) {
        await this.record(
          { ...base, cost: { usage: ZERO_USAGE, costUsd: '0', priceUnknown: false }, latencyMs: 0, status, error: error as AppError, attempts: 0 },
          hooks,
        );
      }
      throw error;
    }
  }

  /**
   * The usage record's description of a prepared generation, and its admission
   * against the client's limits (reserving the most it can cost on its primary model).
   */
  async admitPrepared(prepared: PreparedGeneration, requestId: string, isStream: boolean, hooks?: GenerationHooks): Promise<AdmittedCall> {
    const primary = prepared.targets[0];
    const base = {
      id: requestId,
      createdAt: new Date(),
      caller: prepared.caller,
      endpoint: prepared.endpoint,
      provider: primary.providerId,
      model: primary.model,
      requestedModel: prepared.requestedModel,
      template: prepared.template,
      metadata: prepared.metadata,
      isStream,
    };
    const admission = await this.admit(
      base,
      {
        provider: primary.providerId,
        model: primary.model,
        estimatedInputTokens: prepared.estimatedInputTokens,
        maxOutputTokens: prepared.maxOutputTokens,
        maxCostUsd: this.maxCostUsd(primary.id, prepared.estimatedInputTokens, prepared.maxOutputTokens),
        maxTokensGiven: prepared.request.maxTokens !== undefined,
        ...(prepared.request.n !== undefined && prepared.request.n > 1 ? { choices: prepared.request.n } : {}),
      },
      hooks,
    );
    return { base, admission, primary, cancelledInputTokens: prepared.estimatedInputTokens, hooks, started: performance.now() };
  }

  /**
   * The same for a call to one given model (embeddings, images): described
   * without a template, admitted with its own input estimate and cost ceiling.
   * Cancelled, it is charged nothing: its input is not counted as seen.
   */
  async admitTarget(
    call: { requestId: string; caller: Caller; endpoint: GenerationEndpoint; metadata?: Record<string, unknown> | null },
    target: ModelTarget,
    estimatedInputTokens: number,
    maxCost: Decimal | null,
    hooks?: GenerationHooks,
  ): Promise<AdmittedCall> {
    const base = {
      id: call.requestId,
      createdAt: new Date(),
      caller: call.caller,
      endpoint: call.endpoint,
      provider: target.providerId,
      model: target.model,
      requestedModel: target.id,
      template: null,
      metadata: call.metadata ?? null,
      isStream: false,
    };
    const admission = await this.admit(
      base,
      { provider: target.providerId, model: target.model, estimatedInputTokens, maxOutputTokens: 0, maxCostUsd: maxCost === null ? null : maxCost.toFixed() },
      hooks,
    );
    return { base, admission, primary: target, cancelledInputTokens: 0, hooks, started: performance.now() };
  }

  /**
   * Records a call whose routing failed before any answer reached the client:
   * a cancelled call was sent upstream, so its prompt counts; a failed one cost nothing;
   * one refused before any provider was tried is recorded as refused.
   */
  async finishUnrouted(
    admission: Admission,
    base: Omit<CallRecord, 'cost' | 'latencyMs' | 'status' | 'attempts' | 'error'>,
    fallback: ModelTarget,
    estimatedInputTokens: number,
    error: unknown,
    latencyMs: number,
    hooks?: GenerationHooks,
  ): Promise<void> {
    const routing = error instanceof RoutingError ? error : undefined;
    const target = routing?.target ?? fallback;
    const cancelled = routing?.cancelled ?? false;
    const usage: TokenUsage = cancelled ? { inputTokens: estimatedInputTokens, outputTokens: 0 } : ZERO_USAGE;
    // refused before any provider was tried (a provider with no key): the caller's 4xx, counted as refused, not as a failure
    const refused = !cancelled && routing !== undefined && routing.attempts === 0 && routing.status < 500;
    await this.finish(
      admission,
      {
        ...base,
        provider: target.providerId,
        model: target.model,
        cost: cancelled ? this.cost(target.id, usage) : { usage, costUsd: '0', priceUnknown: false },
        latencyMs,
        status: cancelled ? 'cancelled' : refused ? 'rejected' : 'error',
        error: error instanceof AppError ? error : new AppError('internal_error', error instanceof ProviderError ? error.message : String(error)),
        attempts: routing?.attempts ?? 1,
      },
      hooks,
    );
  }

  /** Hands the record to the recorder and settles the admission with the same numbers, both before the response. */
  finish(admission: Admission, record: CallRecord, hooks?: GenerationHooks): Promise<unknown> {
    const settle = admission
      .settle({ inputTokens: record.cost.usage.inputTokens, outputTokens: record.cost.usage.outputTokens, costUsd: record.cost.costUsd })
      .catch((error: unknown) => this.logger.warn(`Settling limits failed: ${String(error)}`));
    return Promise.all([this.record(record, hooks), settle]);
  }

  async record(r: CallRecord, hooks?: GenerationHooks): Promise<void> {
    // the routing time of the call (a stream that opened reported its time to first event already)
    if (r.ttftMs === undefined || r.ttftMs === null) hooks?.upstream?.(r.latencyMs);
    const record: UsageRecord = {
      id: r.id,
      createdAt: r.createdAt,
      clientId: r.caller.clientId,
      apiKeyId: r.caller.apiKeyId,
      endpoint: r.endpoint,
      provider: r.provider,
      model: r.model,
      requestedModel: r.requestedModel !== null && r.requestedModel !== joinModel(r.provider, r.model) ? r.requestedModel : null,
      templateId: r.template?.id ?? null,
      templateName: r.template?.name ?? null,
      templateVersion: r.template?.version ?? null,
      inputTokens: r.cost.usage.inputTokens,
      outputTokens: r.cost.usage.outputTokens,
      cachedInputTokens: r.cost.usage.cachedInputTokens ?? 0,
      costUsd: r.cost.costUsd,
      priceUnknown: r.cost.priceUnknown,
      latencyMs: Math.max(0, Math.round(r.latencyMs)),
      ttftMs: r.ttftMs ?? null,
      status: r.status,
      errorCode: r.error?.code ?? null,
      errorMessage: r.error?.message ?? null,
      attempts: r.attempts,
      isStream: r.isStream,
      metadata: r.metadata,
    };
    await this.recorder.record(record);
    hooks?.recorded?.();
  }
}

function joinModel(provider: string | null, model: string | null): string | null {
  return provider === null || model === null ? null : `${provider}/${model}`;
}
