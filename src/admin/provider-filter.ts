import { ProviderNames } from '../auth/provider-names';
import { AppError } from '../common/errors/app-error';

/**
 * The `provider` and `model` filters of the generation log, the usage report and the CSV export, as
 * records hold them: records keep a provider's id (`anthropic`), so an alias (`claude`) or another case
 * is turned into it, and a name no provider answers to is a 422 listing the valid names rather than a
 * silently empty answer. The provider part of a `provider/model` filter is canonicalised the same way
 * when it names a provider (a model id of its own with a slash, `qwen/qwen3-32b`, is left as it is).
 */
export function canonicalProviderFilters<T extends { provider?: string; model?: string }>(names: ProviderNames, filter: T): T {
  const { provider, model } = filter;
  if (provider !== undefined && !names.isKnown(provider)) {
    const message = `"${provider}" is not a provider of this instance; valid provider names: ${names.validNames.join(', ')}`;
    throw new AppError('validation_error', `provider: ${message}`, [{ field: 'provider', message }]);
  }
  const slash = model?.indexOf('/') ?? -1;
  const modelProvider = model !== undefined && slash > 0 ? model.slice(0, slash) : undefined;
  return {
    ...filter,
    provider: provider === undefined ? undefined : names.canonical(provider),
    model: modelProvider !== undefined && names.isKnown(modelProvider) ? `${names.canonical(modelProvider)}${model?.slice(slash)}` : model,
  };
}
