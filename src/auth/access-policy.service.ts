import { Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { Caller } from '../common/caller';

const PROVIDER_ALIASES: Record<string, string> = { claude: 'anthropic' };

function canonicalProvider(provider: string): string {
  const lower = provider.toLowerCase();
  return PROVIDER_ALIASES[lower] ?? lower;
}

/**
 * Whether one allow-list entry admits provider/model. Entries are
 * `provider/model`, `provider/*` or a bare model name (any provider).
 */
export function entryAllows(entry: string, provider: string, model: string): boolean {
  const slash = entry.indexOf('/');
  if (slash < 0) return entry === '*' || entry === model;
  const entryProvider = canonicalProvider(entry.slice(0, slash));
  const entryModel = entry.slice(slash + 1);
  return entryProvider === canonicalProvider(provider) && (entryModel === '*' || entryModel === model);
}

export function listAllows(list: string[], provider: string, model: string): boolean {
  return list.some((entry) => entryAllows(entry, provider, model));
}

/** An entry seen as a (provider, model) pair; a bare name has no provider. */
function asPair(entry: string): { provider: string | null; model: string } {
  const slash = entry.indexOf('/');
  return slash < 0 ? { provider: null, model: entry } : { provider: entry.slice(0, slash), model: entry.slice(slash + 1) };
}

/** Whether every model `entry` admits is admitted by `list`. */
function covers(list: string[], entry: string): boolean {
  const { provider, model } = asPair(entry);
  if (provider === null) return list.some((e) => e === '*' || e === model);
  if (model === '*')
    return list.some(
      (e) => e === '*' || (asPair(e).provider !== null && canonicalProvider(asPair(e).provider!) === canonicalProvider(provider) && asPair(e).model === '*'),
    );
  return listAllows(list, provider, model);
}

/**
 * The allow-list a key narrowed from its client's: every entry of either list
 * that the other list fully admits. null means "everything".
 */
export function intersectAllowLists(client: string[] | null, key: string[] | null): string[] | null {
  if (client === null) return key;
  if (key === null) return client;
  return [...new Set([...key.filter((e) => covers(client, e)), ...client.filter((e) => covers(key, e))])];
}

/** The smaller of two optional limits (null = unlimited). */
export function narrowLimit(client: number | null, key: number | null): number | null {
  if (client === null) return key;
  if (key === null) return client;
  return Math.min(client, key);
}

/** Provider and model allow-lists of a caller. */
@Injectable()
export class AccessPolicy {
  assertModelAllowed(caller: Caller, provider: string, model: string): void {
    const name = `${provider}/${model}`;
    if (caller.allowedProviders !== null && !caller.allowedProviders.some((p) => canonicalProvider(p) === canonicalProvider(provider))) {
      throw new AppError(
        'model_not_allowed',
        `Model "${name}" is not allowed for this client: provider "${provider}" is outside its allowed providers (${this.describe(caller.allowedProviders)})`,
        [{ field: 'model', message: `allowed providers: ${this.describe(caller.allowedProviders)}` }],
      );
    }
    if (caller.allowedModels !== null && !listAllows(caller.allowedModels, provider, model)) {
      throw new AppError('model_not_allowed', `Model "${name}" is not allowed for this client; allowed models: ${this.describe(caller.allowedModels)}`, [
        { field: 'model', message: `allowed models: ${this.describe(caller.allowedModels)}` },
      ]);
    }
  }

  private describe(list: string[]): string {
    return list.length === 0 ? 'none' : list.join(', ');
  }
}
