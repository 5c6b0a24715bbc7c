import { Injectable } from '@nestjs/common';
import { AppError } from '../../common/errors/app-error';
import { BUILTIN_PRICES } from '../pricing/price-table';
import { canonicalProviderName, MODEL_ALIASES } from '../providers/builtin-providers';

export interface ResolvedModel {
  provider: string;
  /** the provider's own model id (may itself contain a slash, e.g. Groq's `openai/gpt-oss-120b`) */
  model: string;
  /** `provider/model` */
  id: string;
}

/**
 * Turns what a caller wrote in `model` (and optionally `provider`) into a provider and its model id.
 * Bare names are looked up in the providers' own model aliases and model lists (then the price table), so
 * no model is declared here a second time.
 */
@Injectable()
export class ModelCatalog {
  /**
   * - `provider/model`: the first segment is the provider only when it is a known provider id or alias
   *   (`claude/…` → `anthropic/…`); the rest is the model, which may contain slashes. A model missing from
   *   the provider's static list is accepted: providers release models faster than tables change and a
   *   custom provider may serve anything.
   * - anything else is a bare name: a model alias, then the first known provider (in `knownProviders`
   *   order) that lists it, then a priced model of a known provider.
   * Throws AppError validation_error for unknown providers and unknown bare names.
   */
  resolve(name: string, knownProviders: readonly string[], modelsOf: (provider: string) => readonly string[]): ResolvedModel {
    const trimmed = name.trim();
    const slash = trimmed.indexOf('/');
    if (slash > 0) {
      const provider = this.providerId(trimmed.slice(0, slash), knownProviders);
      const model = trimmed.slice(slash + 1);
      if (provider !== undefined && model !== '') return this.withAlias(provider, model, knownProviders);
    }
    const resolved = trimmed === '' ? undefined : this.resolveBare(trimmed, knownProviders, modelsOf);
    if (!resolved) throw unknownModel(name);
    return resolved;
  }

  /** The canonical provider id for an id or alias, when it is known. */
  providerId(nameOrAlias: string, knownProviders: readonly string[]): string | undefined {
    const id = canonicalProviderName(nameOrAlias);
    return knownProviders.includes(id) ? id : undefined;
  }

  /** `anthropic/claude-sonnet` means the same as `claude-sonnet`, when the alias names that provider. */
  private withAlias(provider: string, model: string, knownProviders: readonly string[]): ResolvedModel {
    const alias = MODEL_ALIASES.get(model);
    if (alias?.startsWith(`${provider}/`)) return this.split(alias, knownProviders) ?? toResolved(provider, model);
    return toResolved(provider, model);
  }

  private resolveBare(name: string, knownProviders: readonly string[], modelsOf: (provider: string) => readonly string[]): ResolvedModel | undefined {
    const alias = MODEL_ALIASES.get(name);
    if (alias !== undefined) return this.split(alias, knownProviders);
    for (const provider of knownProviders) {
      if (modelsOf(provider).includes(name)) return toResolved(provider, name);
    }
    for (const provider of knownProviders) {
      if (BUILTIN_PRICES[`${provider}/${name}`] !== undefined) return toResolved(provider, name);
    }
    return undefined;
  }

  private split(id: string, knownProviders: readonly string[]): ResolvedModel | undefined {
    const slash = id.indexOf('/');
    const provider = this.providerId(id.slice(0, slash), knownProviders);
    return provider === undefined ? undefined : toResolved(provider, id.slice(slash + 1));
  }
}

function toResolved(provider: string, model: string): ResolvedModel {
  return { provider, model, id: `${provider}/${model}` };
}

function unknownModel(name: string): AppError {
  const message =
    `Unknown model "${name}". Name it as provider/model (for example openai/gpt-4o-mini or ` +
    `anthropic/claude-sonnet-4-5) or by a known model name; GET /v1/models lists the models you may use.`;
  return new AppError('validation_error', message, [{ field: 'model', message }]);
}
