import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../auth/access-policy.service';
import { Caller } from '../../common/caller';
import { TokensService } from '../generation/tokens.service';
import { GenerateRequest } from '../providers/llm-provider';
import { ModelResolver } from '../routing/model-resolver.service';
import { notConfigured, RouterService } from '../routing/router.service';
import type { ParsedPrompt } from './formats/anthropic-messages.format';

/**
 * Input tokens of a prompt, before sending it (Anthropic's count_tokens). Not a
 * generation: nothing is recorded, priced or counted against the client's
 * limits, as Anthropic's own endpoint is free. The model must still be one the
 * key may use.
 */
@Injectable()
export class TokenCountService {
  constructor(
    private readonly models: ModelResolver,
    private readonly access: AccessPolicy,
    private readonly router: RouterService,
    private readonly tokens: TokensService,
  ) {}

  /**
   * The provider's own count where it has one (Anthropic: its count_tokens, with
   * the router's timeout and retries, and a circuit breaker of its own: Anthropic
   * limits token counting apart from messages); otherwise the gateway's
   * o200k count of the same prompt (the estimate its limits use), tools included.
   */
  async countInputTokens(caller: Caller, prompt: ParsedPrompt, signal: AbortSignal): Promise<number> {
    const target = this.models.resolve(prompt.model);
    this.access.assertModelAllowed(caller, target.providerId, target.model);
    const request: GenerateRequest = { model: target.model, messages: prompt.messages, ...(prompt.system ? { system: prompt.system } : {}), ...prompt.params };
    if (target.provider.countTokens) {
      const counted = await this.router.run(
        [target],
        signal,
        (t, attemptSignal, timeoutMs) => t.provider.countTokens!({ ...request, timeoutMs }, attemptSignal),
        'token_count',
      );
      return counted.value;
    }
    if (!target.provider.isConfigured()) throw notConfigured(target.provider);
    return this.countLocally(request);
  }

  private countLocally(request: GenerateRequest): number {
    return this.tokens.countMessages(request.system, request.messages) + this.tokens.countTools(request.tools);
  }
}
