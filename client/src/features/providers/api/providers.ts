import { getPrices, listProviders, testProvider, updatePrices, updateProvider, type ProviderUpdateDtoWritable } from '@sdk';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export const providersQueryOptions = () =>
  queryOptions({ queryKey: [...queryRoots.providers, 'list'], queryFn: () => data(listProviders({ throwOnError: true })) });
export const useProviders = () => useQuery(providersQueryOptions());

export function useUpdateProvider(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ProviderUpdateDtoWritable) => data(updateProvider({ path: { name }, body, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryRoots.providers }),
    meta: { quiet: true },
  });
}

export function useTestProvider(name: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => data(testProvider({ path: { name }, throwOnError: true })),
    // a successful test closes an open circuit
    onSettled: () => qc.invalidateQueries({ queryKey: queryRoots.providers }),
  });
}

export const pricesQueryOptions = () => queryOptions({ queryKey: [...queryRoots.prices], queryFn: () => data(getPrices({ throwOnError: true })) });
export const usePrices = () => useQuery(pricesQueryOptions());

export interface PriceChange {
  input_per_m: string;
  output_per_m: string;
  cached_input_per_m?: string;
  cache_write_per_m?: string;
  cache_write_1h_per_m?: string;
}

/** Sets console prices (or, with null, removes them so the shipped or environment price applies again). */
export function useUpdatePrices() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (prices: Record<string, PriceChange | null>) => data(updatePrices({ body: { prices: prices }, throwOnError: true })),
    onSuccess: (list) => qc.setQueryData(pricesQueryOptions().queryKey, list),
    meta: { quiet: true },
  });
}
