/**
 * Auth's port for provider names. Allow-lists may name a provider by an alias (`claude/*` for anthropic),
 * and the providers declare their aliases in the llm module, which auth may not import: the llm module
 * provides this (ProviderNamesModule, global), and every context that loads AuthModule loads it too.
 */
export interface ProviderNames {
  /** the provider id a name stands for, lower-cased: an alias becomes its provider's id, any other name itself */
  canonical(name: string): string;
  /** whether a name (any case, an alias included) stands for a provider this instance has: built-in or configured custom */
  isKnown(name: string): boolean;
  /** every name a provider answers to, for messages: each id followed by its aliases (`anthropic`, `claude`, …) */
  readonly validNames: readonly string[];
}

export const PROVIDER_NAMES = Symbol('PROVIDER_NAMES');
