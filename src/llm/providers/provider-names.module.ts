import { Global, Module } from '@nestjs/common';
import { PROVIDER_NAMES, ProviderNames } from '../../auth/provider-names';
import { APP_CONFIG } from '../../config/config.module';
import { AppConfig } from '../../config/env.schema';
import { BUILTIN_PROVIDERS, canonicalProviderName } from './builtin-providers';

/** The names of the built-in providers and of the custom ones configured (CUSTOM_PROVIDERS). */
export function providerNamesPort(customProviders: readonly string[]): ProviderNames {
  const ids = new Set<string>([...BUILTIN_PROVIDERS.map((d) => d.id), ...customProviders]);
  return {
    canonical: canonicalProviderName,
    isKnown: (name) => ids.has(canonicalProviderName(name)),
    validNames: [...BUILTIN_PROVIDERS.flatMap((d): string[] => [d.id, ...d.aliases]), ...customProviders],
  };
}

export const BUILTIN_PROVIDER_NAMES_PORT: ProviderNames = providerNamesPort([]);

/** Gives auth (allow-lists) the providers' names and aliases through its PROVIDER_NAMES port. */
@Global()
@Module({
  providers: [
    { provide: PROVIDER_NAMES, inject: [APP_CONFIG], useFactory: (config: AppConfig) => providerNamesPort(config.providers.custom.map((c) => c.name)) },
  ],
  exports: [PROVIDER_NAMES],
})
export class ProviderNamesModule {}
