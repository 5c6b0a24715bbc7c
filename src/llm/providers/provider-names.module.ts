import { Global, Module } from '@nestjs/common';
import { PROVIDER_NAMES, ProviderNames } from '../../auth/provider-names';
import { canonicalProviderName } from './builtin-providers';

export const BUILTIN_PROVIDER_NAMES_PORT: ProviderNames = { canonical: canonicalProviderName };

/** Gives auth (allow-lists) the providers' aliases through its PROVIDER_NAMES port. */
@Global()
@Module({
  providers: [{ provide: PROVIDER_NAMES, useValue: BUILTIN_PROVIDER_NAMES_PORT }],
  exports: [PROVIDER_NAMES],
})
export class ProviderNamesModule {}
