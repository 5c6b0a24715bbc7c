import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../auth/access-policy.service';
import { Caller } from '../../common/caller';
import { AppError } from '../../common/errors/app-error';
import { CallCost, GenerationHooks } from './generation.types';
import { GenerationPlanner } from './generation-planner.service';
import { PricingService } from '../pricing/pricing.service';
import { ImageOptions, ImageResult } from '../providers/llm-provider';
import { RouterService } from '../routing/router.service';
import { ModelTarget } from '../routing/model-resolver.service';
import { TokensService } from './tokens.service';
import { UsageAccountingService } from './usage-accounting.service';
import { finishRouted, routeAdmitted } from './call-lifecycle';
import { NEVER_ABORTED } from '../../common/never-aborted';
import type { GenerationEndpoint } from '../../common/generation-endpoints';

export interface ImageInput {
  caller: Caller;
  requestId: string;
  endpoint: GenerationEndpoint;
  model?: string;
  provider?: string;
  prompt: string;
  n: number;
  size?: string;
  quality?: string;
  responseFormat?: 'url' | 'b64_json';
  options?: ImageOptions;
  metadata?: Record<string, unknown> | null;
  hooks?: GenerationHooks;
  signal?: AbortSignal;
}

export interface ImageOutcome extends CallCost {
  requestId: string;
  target: ModelTarget;
  result: ImageResult;
  latencyMs: number;
  attempts: number;
  createdAt: Date;
}

/** Image generation, priced by model, size, quality and count. */
@Injectable()
export class ImagesService {
  constructor(
    private readonly planner: GenerationPlanner,
    private readonly router: RouterService,
    private readonly access: AccessPolicy,
    private readonly accounting: UsageAccountingService,
    private readonly pricing: PricingService,
    private readonly tokens: TokensService,
  ) {}

  async generate(input: ImageInput): Promise<ImageOutcome> {
    const target = this.planner.target(input.model, input.provider, 'image');
    this.access.assertModelAllowed(input.caller, target.providerId, target.model);
    if (!target.provider.generateImage) {
      throw new AppError('validation_error', `${target.id} does not generate images`, [{ field: 'model', message: 'not an image model' }]);
    }
    const problems = target.provider.descriptor.imageRequestProblems?.(target.model, input) ?? [];
    if (problems.length > 0) {
      throw new AppError('validation_error', `Invalid request for ${target.id}: ${problems.map((p) => p.message).join('; ')}`, problems);
    }
    const size = input.size ?? '1024x1024';
    // the provider's own default when none is given (it decides the price)
    const quality = input.quality ?? target.provider.descriptor.defaultImageQuality?.(target.model) ?? 'standard';
    const promptTokens = this.tokens.count(input.prompt);
    const maxCost = this.pricing.imageCost(target.id, { size, quality, n: input.n });
    // admitTarget charges a cancelled image nothing: no image was delivered
    const call = await this.accounting.admitTarget(input, target, promptTokens, maxCost, input.hooks);
    const routed = await routeAdmitted(
      this.accounting,
      call,
      this.router.run([target], input.signal ?? NEVER_ABORTED, (t, signal, timeoutMs) =>
        t.provider.generateImage!(
          {
            model: t.model,
            prompt: input.prompt,
            n: input.n,
            size,
            quality,
            ...(input.responseFormat ? { responseFormat: input.responseFormat } : {}),
            ...(input.options ? { options: input.options } : {}),
            timeoutMs,
          },
          signal,
        ),
      ),
    );
    const price = this.pricing.imageCost(target.id, { size, quality, n: routed.value.images.length, usage: routed.value.usage });
    const usage = routed.value.usage ?? { inputTokens: promptTokens, outputTokens: 0 };
    const cost: CallCost = { usage, costUsd: price === null ? null : price.toFixed(), priceUnknown: price === null };
    const latencyMs = await finishRouted(this.accounting, call, target, cost, routed.attempts);
    return {
      requestId: input.requestId,
      target,
      result: routed.value,
      ...cost,
      latencyMs: Math.round(latencyMs),
      attempts: routed.attempts,
      createdAt: call.base.createdAt,
    };
  }
}
