import { Injectable } from '@nestjs/common';
import { GenerationPlanner } from './generation-planner.service';
import { GenerationHooks, GenerationInput, GenerationOutcome, PreparedGeneration, StreamSink } from './generation.types';
import { GenerateResult } from '../providers/llm-provider';
import { RouterService } from '../routing/router.service';
import { StreamGenerationService } from './stream-generation.service';
import { TokensService } from './tokens.service';
import { UsageAccountingService } from './usage-accounting.service';
import { NEVER_ABORTED } from '../../common/never-aborted';

/**
 * One generation, non-streaming or streaming, from a neutral input: plan,
 * admit, route (retries, fallbacks), price, record. Every endpoint's format
 * (the /api envelope, OpenAI, Anthropic) sits on top of this.
 */
@Injectable()
export class LlmService {
  constructor(
    private readonly planner: GenerationPlanner,
    private readonly router: RouterService,
    private readonly accounting: UsageAccountingService,
    private readonly tokens: TokensService,
    private readonly streams: StreamGenerationService,
  ) {}

  prepare(input: GenerationInput): Promise<PreparedGeneration> {
    return this.planner.prepare(input);
  }

  async generate(input: GenerationInput): Promise<GenerationOutcome> {
    const prepared = await this.planner.prepare(input);
    return this.execute(prepared, input.requestId, input.hooks, input.signal);
  }

  async stream(input: GenerationInput, sink: StreamSink): Promise<void> {
    const prepared = await this.planner.prepare(input);
    await this.streams.run(prepared, input.requestId, sink, input.hooks, input.signal);
  }

  /** Runs a prepared generation under its own request id (generate-content runs one per language). */
  async execute(prepared: PreparedGeneration, requestId: string, hooks?: GenerationHooks, signal: AbortSignal = NEVER_ABORTED): Promise<GenerationOutcome> {
    const { base, admission, primary } = await this.accounting.admitPrepared(prepared, requestId, false, hooks);
    const started = performance.now();
    let routed: { value: GenerateResult; target: typeof primary; attempts: number };
    try {
      routed = await this.router.run(prepared.targets, signal, (target, attemptSignal, timeoutMs) =>
        target.provider.generate({ ...prepared.request, model: target.model, timeoutMs }, attemptSignal),
      );
    } catch (error) {
      await this.accounting.finishUnrouted(admission, base, primary, prepared.estimatedInputTokens, error, performance.now() - started, hooks);
      throw error;
    }
    const { value: result, target, attempts } = routed;
    const usage = result.usage ?? {
      inputTokens: prepared.estimatedInputTokens,
      outputTokens: this.tokens.count(result.text + (result.toolCalls ?? []).map((c) => c.name + c.arguments).join('')),
    };
    const cost = this.accounting.cost(target.id, usage);
    const latencyMs = performance.now() - started;
    await this.accounting.finish(admission, { ...base, provider: target.providerId, model: target.model, cost, latencyMs, status: 'success', attempts }, hooks);
    return {
      requestId,
      target,
      requestedModel: prepared.requestedModel,
      text: result.text,
      ...(result.toolCalls ? { toolCalls: result.toolCalls } : {}),
      finishReason: result.finishReason,
      ...cost,
      latencyMs: Math.round(latencyMs),
      attempts,
      template: prepared.template,
      headers: admission.headers,
      createdAt: base.createdAt,
    };
  }
}
