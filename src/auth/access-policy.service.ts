import { Inject, Injectable } from '@nestjs/common';
import { AppError, ErrorDetail } from '../common/errors/app-error';
import { Caller } from '../common/caller';
import { PROVIDER_NAMES, ProviderNames } from './provider-names';

/** An entry seen as a (provider, model) pair; a bare name has no provider. */
function asPair(entry: string): { provider: string | null; model: string } {
  const slash = entry.indexOf('/');
  return slash < 0 ? { provider: null, model: entry } : { provider: entry.slice(0, slash), model: entry.slice(slash + 1) };
}

/** The operator-set lists whose entries name providers. */
type ListField = 'allowed_providers' | 'allowed_models' | 'fallback_models';

/** The smaller of two optional limits (null = unlimited). */
export function narrowLimit(client: number | null, key: number | null): number | null {
  if (client === null) return key;
  if (key === null) return client;
  return Math.min(client, key);
}

/** Provider and model allow-lists of a caller. Providers compare by id, whatever alias an entry uses. */
@Injectable()
export class AccessPolicy {
  constructor(@Inject(PROVIDER_NAMES) private readonly names: ProviderNames) {}

  assertModelAllowed(caller: Caller, provider: string, model: string): void {
    const name = `${provider}/${model}`;
    if (caller.allowedProviders !== null && !caller.allowedProviders.some((p) => this.sameProvider(p, provider))) {
      throw new AppError(
        'model_not_allowed',
        `Model "${name}" is not allowed for this client: provider "${provider}" is outside its allowed providers (${this.describe(caller.allowedProviders)})`,
        [{ field: 'model', message: `allowed providers: ${this.describe(caller.allowedProviders)}` }],
      );
    }
    if (caller.allowedModels !== null && !this.listAllows(caller.allowedModels, provider, model)) {
      throw new AppError('model_not_allowed', `Model "${name}" is not allowed for this client; allowed models: ${this.describe(caller.allowedModels)}`, [
        { field: 'model', message: `allowed models: ${this.describe(caller.allowedModels)}` },
      ]);
    }
  }

  /**
   * The allow-list a key narrowed from its client's: every entry of either list
   * that the other list fully admits. null means "everything".
   */
  intersectAllowLists(client: string[] | null, key: string[] | null): string[] | null {
    if (client === null) return key;
    if (key === null) return client;
    return [...new Set([...key.filter((e) => this.covers(client, e)), ...client.filter((e) => this.covers(key, e))])];
  }

  /**
   * Refuses (422, one detail per bad entry) allow-lists and fallback models an operator wants to set;
   * the lists not given are not checked. A name this instance does not have (a typo such as "opneai")
   * would otherwise silently admit nothing, or leave the client with no fallback at all (calls skip a
   * fallback they cannot resolve). Model names themselves are not checked: a provider's models change
   * without LLMHub knowing.
   */
  assertValidAllowLists(lists: { allowed_providers?: string[] | null; allowed_models?: string[] | null; fallback_models?: string[] | null }): void {
    const errors: ErrorDetail[] = [];
    const check = (field: ListField, entries: readonly string[] | null | undefined): void =>
      entries?.forEach((entry, i) => {
        const message = this.entryProblem(field, entry);
        if (message !== undefined) errors.push({ field: `${field}[${i}]`, message });
      });
    check('allowed_providers', lists.allowed_providers);
    check('allowed_models', lists.allowed_models);
    check('fallback_models', lists.fallback_models);
    if (errors.length === 0) return;
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more, see details)` : '';
    throw new AppError('validation_error', `${errors[0].field}: ${errors[0].message}${more}`, errors);
  }

  /**
   * What is wrong with one entry: a provider it names that this instance does not have; for
   * allowed_models (provider/model, provider/* or a bare model name) a provider part with no model;
   * for fallback_models (one model, no wildcard) a missing model or a wildcard.
   */
  private entryProblem(field: ListField, entry: string): string | undefined {
    const valid = `valid provider names: ${this.names.validNames.join(', ')}`;
    if (field === 'allowed_providers') return this.names.isKnown(entry) ? undefined : `unknown provider "${entry}"; ${valid}`;
    const fallback = field === 'fallback_models';
    const text = fallback ? entry.trim() : entry;
    if (text === '') return `must not be empty: give provider/model${fallback ? '' : ', provider/* or a model name'}`;
    const { provider, model } = asPair(text);
    if (provider !== null && !this.names.isKnown(provider)) {
      const shape = fallback ? 'a fallback is provider/model' : 'an entry is provider/model, provider/* or a model name';
      const slashed = `a model whose own name contains "/" is written after its provider (<provider>/${entry})`;
      return `unknown provider "${provider}" in "${entry}": ${shape}, and ${slashed}; ${valid}`;
    }
    if (!fallback) return provider !== null && model === '' ? `"${entry}" names no model; ${provider}/* allows every model of ${provider}` : undefined;
    if (model === '') return `"${entry}" names no model: give ${provider}/<model>`;
    if (model === '*' || model.endsWith('/*')) return `"${entry}" is a wildcard; a fallback is one model, such as openai/gpt-4o-mini`;
    return undefined;
  }

  /**
   * Whether one allow-list entry admits provider/model. Entries are
   * `provider/model`, `provider/*` or a bare model name (any provider).
   */
  private entryAllows(entry: string, provider: string, model: string): boolean {
    const slash = entry.indexOf('/');
    if (slash < 0) return entry === '*' || entry === model;
    const entryModel = entry.slice(slash + 1);
    return this.sameProvider(entry.slice(0, slash), provider) && (entryModel === '*' || entryModel === model);
  }

  private listAllows(list: string[], provider: string, model: string): boolean {
    return list.some((entry) => this.entryAllows(entry, provider, model));
  }

  /** Whether every model `entry` admits is admitted by `list`. */
  private covers(list: string[], entry: string): boolean {
    const { provider, model } = asPair(entry);
    if (provider === null) return list.some((e) => e === '*' || e === model);
    if (model === '*')
      return list.some((e) => {
        const pair = asPair(e);
        return e === '*' || (pair.provider !== null && this.sameProvider(pair.provider, provider) && pair.model === '*');
      });
    return this.listAllows(list, provider, model);
  }

  private sameProvider(a: string, b: string): boolean {
    return this.names.canonical(a) === this.names.canonical(b);
  }

  private describe(list: string[]): string {
    return list.length === 0 ? 'none' : list.join(', ');
  }
}
