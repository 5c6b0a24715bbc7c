import { ANTHROPIC_DESCRIPTOR } from './anthropic/anthropic.descriptor';
import { GROQ_DESCRIPTOR } from './groq/groq.descriptor';
import { MOCK_DESCRIPTOR } from './mock/mock.descriptor';
import { OPENAI_DESCRIPTOR } from './openai/openai.descriptor';
import type { ProviderDescriptor } from './provider-descriptor';

/**
 * The built-in providers: the one list a provider is registered in. Everything that knows provider names
 * derives from it (aliases, the model catalog, the environment schema); llm.module.ts pairs each id with
 * its strategy class, and the compiler refuses an id without one. Kept free of SDK imports: configuration
 * reads it at start.
 */
export const BUILTIN_PROVIDERS = [ANTHROPIC_DESCRIPTOR, OPENAI_DESCRIPTOR, GROQ_DESCRIPTOR, MOCK_DESCRIPTOR] as const satisfies readonly ProviderDescriptor[];

export type BuiltinProviderId = (typeof BUILTIN_PROVIDERS)[number]['id'];
/** The built-in providers reached with a key and base URL from the environment. */
export type EnvProviderId = Extract<(typeof BUILTIN_PROVIDERS)[number], { env: object }>['id'];

const DESCRIPTORS: readonly ProviderDescriptor[] = BUILTIN_PROVIDERS;

/** Alias → provider id (`claude` → `anthropic`). */
export const PROVIDER_ALIASES: ReadonlyMap<string, string> = new Map(DESCRIPTORS.flatMap((d) => d.aliases.map((alias) => [alias, d.id] as const)));

/** Short model name → `provider/model`, from every provider's own model aliases. */
export const MODEL_ALIASES: ReadonlyMap<string, string> = new Map(
  DESCRIPTORS.flatMap((d) => Object.entries(d.modelAliases ?? {}).map(([alias, model]) => [alias, `${d.id}/${model}`] as const)),
);

/** Every name a built-in provider answers to; a custom provider may take none of them. */
export const BUILTIN_PROVIDER_NAMES: ReadonlySet<string> = new Set(DESCRIPTORS.flatMap((d) => [d.id, ...d.aliases]));

/** The provider id a name stands for, lower-cased: an alias becomes its provider's id, any other name itself. */
export function canonicalProviderName(name: string): string {
  const lower = name.toLowerCase();
  return PROVIDER_ALIASES.get(lower) ?? lower;
}

function assertUnique(names: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`Two built-in providers declare the ${what} "${name}"`);
    seen.add(name);
  }
}
assertUnique(
  DESCRIPTORS.flatMap((d) => [d.id, ...d.aliases]),
  'name',
);
assertUnique(
  DESCRIPTORS.flatMap((d) => Object.keys(d.modelAliases ?? {})),
  'model alias',
);

/**
 * `provider/model` → what a built-in provider's model is (chat, embedding, image), for the models its
 * descriptor lists. A custom provider's models, and models a descriptor does not list, are of no known kind.
 */
export const BUILTIN_MODEL_KINDS: ReadonlyMap<string, ProviderDescriptor['models'][number]['kind']> = new Map(
  DESCRIPTORS.flatMap((d) => d.models.map((m) => [`${d.id}/${m.id}`, m.kind] as const)),
);
