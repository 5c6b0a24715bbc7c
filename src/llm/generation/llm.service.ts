import { Injectable } from '@nestjs/common';
import { GenerationPlanner } from './generation-planner.service';
import { GenerationHooks, GenerationInput, GenerationOutcome, PreparedGeneration, StreamSink } from './generation.types';
import { RouterService } from '../routing/router.service';
import { StreamGenerationService } from './stream-generation.service';
import { TokensService } from './tokens.service';
import { UsageAccountingService } from './usage-accounting.service';
import { finishRouted, routeAdmitted } from './call-lifecycle';
import { NEVER_ABORTED } from '../../common/never-aborted';
import { reasoningTextOf, type GeneratedChoice } from '../providers/llm-provider';

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
    const call = await this.accounting.admitPrepared(prepared, requestId, false, hooks);
    const {
      value: result,
      target,
      attempts,
    } = await routeAdmitted(
      this.accounting,
      call,
      this.router.run(prepared.targets, signal, (t, attemptSignal, timeoutMs) =>
        t.provider.generate({ ...prepared.request, model: t.model, timeoutMs }, attemptSignal),
      ),
    );
    const usage = result.usage ?? {
      inputTokens: prepared.estimatedInputTokens,
      outputTokens: result.extraChoices ? [result, ...result.extraChoices].reduce((sum, c) => sum + this.outputTokens(c), 0) : this.outputTokens(result),
    };
    const cost = this.accounting.cost(target.id, usage);
    const latencyMs = await finishRouted(this.accounting, call, target, cost, attempts);
    return {
      requestId,
      target,
      requestedModel: prepared.requestedModel,
      text: result.text,
      ...(result.citedText ? { citedText: result.citedText } : {}),
      ...(result.reasoning ? { reasoning: result.reasoning } : {}),
      ...(result.refusal !== undefined ? { refusal: result.refusal } : {}),
      ...(result.toolCalls ? { toolCalls: result.toolCalls } : {}),
      finishReason: result.finishReason,
      ...(result.stopSequence !== undefined ? { stopSequence: result.stopSequence } : {}),
      ...(result.refusalDetails ? { refusalDetails: result.refusalDetails } : {}),
      ...(result.logprobs ? { logprobs: result.logprobs } : {}),
      ...(result.extraChoices ? { extraChoices: result.extraChoices } : {}),
      ...cost,
      latencyMs: Math.round(latencyMs),
      attempts,
      template: prepared.template,
      headers: call.admission.headers,
      createdAt: call.base.createdAt,
    };
  }

  /** A choice's output counted with our tokenizer, for a provider that reports no usage. */
  private outputTokens(choice: GeneratedChoice): number {
    const thinking = reasoningTextOf(choice.reasoning);
    return this.tokens.count(thinking + choice.text + (choice.refusal ?? '') + (choice.toolCalls ?? []).map((c) => c.name + c.arguments).join(''));
  }
}
