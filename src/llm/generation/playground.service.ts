import { Injectable, Logger } from '@nestjs/common';
import { FinishReason } from '../providers/llm-provider';
import { ModelResolver } from '../routing/model-resolver.service';
import { RouterService } from '../routing/router.service';
import { TokensService } from './tokens.service';
import { UsageAccountingService } from './usage-accounting.service';
import { NEVER_ABORTED } from '../../common/never-aborted';

export interface PlaygroundInput {
  system: string | null;
  prompt: string;
  /** `provider/model` or a bare name; undefined = the first configured provider's default chat model */
  model?: string;
  provider?: string;
  maxTokens?: number;
  temperature?: number;
}

export interface PlaygroundResult {
  model: string;
  output: string;
  finishReason: FinishReason;
  inputTokens: number;
  outputTokens: number;
  costUsd: string | null;
  priceUnknown: boolean;
  latencyMs: number;
  attempts: number;
}

/**
 * The console's playground: one rendered prompt sent to one model through the
 * router (retries, timeouts, circuit), priced with the table in force. Like
 * the provider test call it belongs to no client, so it is logged here and
 * not written to the usage log or any budget.
 */
@Injectable()
export class PlaygroundService {
  private readonly logger = new Logger('Playground');

  constructor(
    private readonly models: ModelResolver,
    private readonly router: RouterService,
    private readonly accounting: UsageAccountingService,
    private readonly tokens: TokensService,
  ) {}

  async run(input: PlaygroundInput, signal: AbortSignal = NEVER_ABORTED): Promise<PlaygroundResult> {
    const target = this.models.targetFor(input.model, input.provider, 'chat');
    const messages = [{ role: 'user' as const, content: input.prompt }];
    // without max_tokens a provider that needs a cap sizes its own by the prompt (Anthropic: what the context window leaves)
    const promptTokensEstimate = input.maxTokens === undefined ? this.tokens.countMessages(input.system ?? undefined, messages) : undefined;
    const started = performance.now();
    const {
      value,
      target: used,
      attempts,
    } = await this.router.run([target], signal, (t, attemptSignal, timeoutMs) =>
      t.provider.generate(
        {
          model: t.model,
          messages,
          ...(input.system ? { system: input.system } : {}),
          ...(input.maxTokens !== undefined ? { maxTokens: input.maxTokens } : { promptTokensEstimate }),
          ...(input.temperature !== undefined ? { temperature: input.temperature } : {}),
          timeoutMs,
        },
        attemptSignal,
      ),
    );
    const latencyMs = Math.round(performance.now() - started);
    const usage = value.usage ?? { inputTokens: this.tokens.countMessages(input.system ?? undefined, messages), outputTokens: this.tokens.count(value.text) };
    const cost = this.accounting.cost(used.id, usage);
    this.logger.log(
      `Playground call to ${used.id}: ${usage.inputTokens}+${usage.outputTokens} tokens, ${cost.costUsd ?? 'unknown'} USD in ${latencyMs} ms (not billed)`,
    );
    return {
      model: used.id,
      output: value.text,
      finishReason: value.finishReason,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: cost.costUsd,
      priceUnknown: cost.priceUnknown,
      latencyMs,
      attempts,
    };
  }
}
