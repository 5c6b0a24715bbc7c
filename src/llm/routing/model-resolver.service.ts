import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { ModelCatalog } from './model-catalog';
import { LlmProvider, ProviderModel } from '../providers/llm-provider';
import type { ProviderCapability } from '../providers/provider-descriptor';
import { ProviderRegistry } from '../providers/provider-registry';
import { BUILTIN_MODEL_KINDS } from '../providers/builtin-providers';

/** A resolved model: which strategy serves it and under which id. */
export interface ModelTarget {
  provider: LlmProvider;
  providerId: string;
  /** the provider's own model id */
  model: string;
  /** `provider/model`, as clients see it */
  id: string;
}

export type ModelKind = ProviderModel['kind'];

/**
 * Turns the model a request names into a target: which provider strategy
 * serves it and under which id. Nothing here calls a provider; routing the
 * call is RouterService's.
 */
@Injectable()
export class ModelResolver {
  constructor(
    private readonly registry: ProviderRegistry,
    private readonly catalog: ModelCatalog,
  ) {}

  /**
   * `provider/model`, an alias (`claude/…`), or a bare model name known to the
   * catalog. An explicit `provider` narrows a bare name. Unknown → 422/400 naming the model.
   * A bare name is looked up among the configured providers (all of them when none is), or among
   * every registered one with `among: 'registered'` (a name that may be called once its provider is set up).
   */
  resolve(name: string, providerHint?: string, among: 'configured' | 'registered' = 'configured'): ModelTarget {
    const trimmed = name.trim();
    if (providerHint) {
      const provider = this.registry.find(providerHint);
      if (!provider) throw unknownProvider(providerHint);
      const prefixed = trimmed.startsWith(`${providerHint}/`) || trimmed.startsWith(`${provider.id}/`) ? trimmed.slice(trimmed.indexOf('/') + 1) : trimmed;
      return targetOf(provider, prefixed);
    }
    const slash = trimmed.indexOf('/');
    if (slash > 0) {
      const provider = this.registry.find(trimmed.slice(0, slash));
      if (provider) return targetOf(provider, trimmed.slice(slash + 1));
    }
    const providers = this.registry.all();
    const known = among === 'configured' ? providers.filter((p) => p.isConfigured()).map((p) => p.id) : [];
    const hit = this.catalog.resolve(trimmed, known.length > 0 ? known : providers.map((p) => p.id), (id) =>
      (this.registry.find(id)?.listModels() ?? []).map((m) => m.id),
    );
    if (!hit) {
      throw new AppError('validation_error', `Unknown model "${trimmed}". Use "provider/model"; GET /v1/models lists the models you may use.`, [
        { field: 'model', message: `unknown model "${trimmed}"` },
      ]);
    }
    return targetOf(this.registry.get(hit.provider), hit.model);
  }

  /** Whether `id` names a registered provider (or one of its aliases). */
  knowsProvider(id: string): boolean {
    return this.registry.find(id) !== undefined;
  }

  /** The model used when a request names none: the given provider's (or the first configured provider's) first model of that kind. */
  defaultTarget(kind: ModelKind, providerHint?: string): ModelTarget {
    let candidates: LlmProvider[];
    if (providerHint) {
      const hinted = this.registry.find(providerHint);
      if (!hinted) throw unknownProvider(providerHint);
      candidates = [hinted];
    } else {
      candidates = this.registry.all().filter((p) => p.isConfigured());
    }
    for (const provider of candidates) {
      const model = provider.listModels().find((m) => m.kind === kind);
      if (model) return targetOf(provider, model.id);
    }
    throw new AppError('validation_error', `No model given and no configured provider offers a default ${kind} model; name one as "provider/model"`, [
      { field: 'model', message: 'required' },
    ]);
  }

  /** The ids of the registered providers with a capability, for messages that say where a request could go. */
  providersWith(capability: ProviderCapability): string[] {
    return this.registry
      .all()
      .filter((p) => p.descriptor.capabilities.includes(capability))
      .map((p) => p.id);
  }

  /**
   * A named model, or the default of its kind when none is named. A built-in provider's model of
   * another kind (a chat model for embeddings, an embedding model for chat) is a 400 naming it,
   * before any provider is called; a model of no known kind is passed on.
   */
  targetFor(model: string | undefined, provider: string | undefined, kind: ModelKind): ModelTarget {
    if (!model) return this.defaultTarget(kind, provider);
    const target = this.resolve(model, provider);
    const known = BUILTIN_MODEL_KINDS.get(target.id);
    if (known !== undefined && known !== kind) throw this.wrongKind(target, known, kind);
    return target;
  }

  private wrongKind(target: ModelTarget, known: ModelKind, wanted: ModelKind): AppError {
    const suggestion = target.provider.listModels().find((m) => m.kind === wanted);
    const hint = suggestion ? ` such as ${target.providerId}/${suggestion.id}` : '';
    return new AppError('validation_error', `${target.id} is ${KIND_NAMES[known]}; this route takes ${KIND_NAMES[wanted]}${hint}`, [
      { field: 'model', message: `${KIND_NAMES[known]}, not ${KIND_NAMES[wanted]}` },
    ]);
  }
}

const KIND_NAMES: Record<ModelKind, string> = { chat: 'a chat model', embedding: 'an embedding model', image: 'an image model' };

/** A newline, tab, NUL or other control character: in no provider's model names, and a model name goes into logs, metrics and records. */
const CONTROL_CHARACTER = /\p{Cc}/u;

function targetOf(provider: LlmProvider, model: string): ModelTarget {
  if (model === '') throw new AppError('validation_error', `Model name missing after "${provider.id}/"`, [{ field: 'model', message: 'empty model name' }]);
  if (CONTROL_CHARACTER.test(model)) {
    throw new AppError('validation_error', `Model name ${JSON.stringify(model)} holds a control character (a newline, a tab, a NUL or another)`, [
      { field: 'model', message: 'holds a control character' },
    ]);
  }
  return { provider, providerId: provider.id, model, id: `${provider.id}/${model}` };
}

/** A provider name the server does not know is the caller's mistake (like an unknown model), not an outage. */
function unknownProvider(id: string): AppError {
  return new AppError('validation_error', `Unknown provider "${id}". GET /v1/models lists the models you may use.`, [
    { field: 'provider', message: `unknown provider "${id}"` },
  ]);
}
