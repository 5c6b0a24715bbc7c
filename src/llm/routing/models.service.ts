import { Injectable } from '@nestjs/common';
import { AccessPolicy } from '../../auth/access-policy.service';
import { Caller } from '../../common/caller';
import { ProviderModel } from '../providers/llm-provider';
import { ProviderRegistry } from '../providers/provider-registry';

export interface ListedModel {
  id: string;
  provider: string;
  kind: ProviderModel['kind'];
}

/** The models a caller may use: configured providers only, filtered by its allow-lists. */
@Injectable()
export class ModelsService {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly access: AccessPolicy,
  ) {}

  list(caller: Caller): ListedModel[] {
    const out: ListedModel[] = [];
    for (const provider of this.registry.all()) {
      if (!provider.isConfigured()) continue;
      for (const model of provider.listModels()) {
        if (this.allowed(caller, provider.id, model.id)) out.push({ id: `${provider.id}/${model.id}`, provider: provider.id, kind: model.kind });
      }
    }
    return out;
  }

  private allowed(caller: Caller, provider: string, model: string): boolean {
    if (caller.allowedProviders === null && caller.allowedModels === null) return true;
    try {
      this.access.assertModelAllowed(caller, provider, model);
      return true;
    } catch {
      return false;
    }
  }
}
