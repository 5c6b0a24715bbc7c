import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { PROVIDER_ALIASES } from './builtin-providers';
import { LLM_PROVIDERS, LlmProvider } from './llm-provider';

/** The only place that looks a provider up; built from what is injected, so no second list exists. */
@Injectable()
export class ProviderRegistry {
  private readonly byId: ReadonlyMap<string, LlmProvider>;

  constructor(@Inject(LLM_PROVIDERS) providers: LlmProvider[]) {
    const byId = new Map<string, LlmProvider>();
    for (const provider of providers) {
      if (byId.has(provider.id)) throw new Error(`Two providers are registered with the id "${provider.id}"`);
      byId.set(provider.id, provider);
    }
    this.byId = byId;
  }

  /** The provider for an id or alias, or undefined. */
  find(id: string): LlmProvider | undefined {
    const direct = this.byId.get(id);
    if (direct) return direct;
    const aliased = PROVIDER_ALIASES.get(id);
    return aliased === undefined ? undefined : this.byId.get(aliased);
  }

  /** The provider for an id or alias; unknown ids are a 503 provider_unavailable. */
  get(id: string): LlmProvider {
    const provider = this.find(id);
    if (!provider) throw new AppError('provider_unavailable', `Provider "${id}" is not configured`);
    return provider;
  }

  all(): LlmProvider[] {
    return [...this.byId.values()];
  }
}
