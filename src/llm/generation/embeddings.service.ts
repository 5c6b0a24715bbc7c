import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../auth/access-policy.service';
import { Caller } from '../../common/caller';
import { AppError } from '../../common/errors/app-error';
import { CallCost, GenerationHooks } from './generation.types';
import { GenerationPlanner } from './generation-planner.service';
import { PricingService } from '../pricing/pricing.service';
import { EmbeddingResult } from '../providers/llm-provider';
import { RouterService } from '../routing/router.service';
import { ModelTarget } from '../routing/model-resolver.service';
import { TokensService } from './tokens.service';
import { UsageAccountingService } from './usage-accounting.service';
import { finishRouted, routeAdmitted } from './call-lifecycle';
import { NEVER_ABORTED } from '../../common/never-aborted';
import type { GenerationEndpoint } from '../../common/generation-endpoints';

export interface EmbeddingInput {
  caller: Caller;
  requestId: string;
  endpoint: GenerationEndpoint;
  model?: string;
  input: string[];
  dimensions?: number;
  metadata?: Record<string, unknown> | null;
  hooks?: GenerationHooks;
  signal?: AbortSignal;
}

export interface EmbeddingOutcome extends CallCost {
  requestId: string;
  target: ModelTarget;
  result: EmbeddingResult;
  latencyMs: number;
  attempts: number;
}

/** Embeddings for the providers that offer them, priced by input tokens. */
@Injectable()
export class EmbeddingsService {
  constructor(
    private readonly planner: GenerationPlanner,
    private readonly router: RouterService,
    private readonly access: AccessPolicy,
    private readonly accounting: UsageAccountingService,
    private readonly pricing: PricingService,
    private readonly tokens: TokensService,
  ) {}

  async embed(input: EmbeddingInput): Promise<EmbeddingOutcome> {
    const target = this.planner.target(input.model, undefined, 'embedding');
    this.access.assertModelAllowed(input.caller, target.providerId, target.model);
    if (!target.provider.embed) {
      throw new AppError('validation_error', `${target.id} does not offer embeddings`, [{ field: 'model', message: 'not an embedding model' }]);
    }
    const estimated = input.input.reduce((sum, text) => sum + this.tokens.count(text), 0);
    const call = await this.accounting.admitTarget(input, target, estimated, this.pricing.embeddingCost(target.id, estimated), input.hooks);
    const routed = await routeAdmitted(
      this.accounting,
      call,
      this.router.run([target], input.signal ?? NEVER_ABORTED, (t, signal, timeoutMs) =>
        t.provider.embed!(
          { model: t.model, input: input.input, ...(input.dimensions !== undefined ? { dimensions: input.dimensions } : {}), timeoutMs },
          signal,
        ),
      ),
    );
    const inputTokens = routed.value.usage?.inputTokens ?? estimated;
    const price = this.pricing.embeddingCost(target.id, inputTokens);
    const cost: CallCost = { usage: { inputTokens, outputTokens: 0 }, costUsd: price === null ? null : price.toFixed(), priceUnknown: price === null };
    const latencyMs = await finishRouted(this.accounting, call, target, cost, routed.attempts);
    return { requestId: input.requestId, target, result: routed.value, ...cost, latencyMs: Math.round(latencyMs), attempts: routed.attempts };
  }
}
