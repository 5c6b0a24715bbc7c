import {
  createApiClient,
  deleteApiClient,
  getAdminUsage,
  getApiClient,
  listApiClients,
  updateApiClient,
  type ApiClientCreateDto,
  type ApiClientUpdateDto,
} from '@sdk';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export const clientsQueryOptions = (cursor?: string) =>
  queryOptions({
    queryKey: [...queryRoots.clients, 'list', cursor ?? null],
    queryFn: () => data(listApiClients({ query: { limit: 100, ...(cursor ? { cursor } : {}) }, throwOnError: true })),
  });
export const useClients = (cursor?: string) => useQuery(clientsQueryOptions(cursor));

export const clientQueryOptions = (id: string) =>
  queryOptions({ queryKey: [...queryRoots.clients, 'one', id], queryFn: () => data(getApiClient({ path: { id }, throwOnError: true })) });
export const useClient = (id: string) => useQuery(clientQueryOptions(id));

export function useCreateClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiClientCreateDto) => data(createApiClient({ body, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryRoots.clients }),
    meta: { quiet: true },
  });
}

export function useUpdateClient(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ApiClientUpdateDto) => data(updateApiClient({ path: { id }, body, throwOnError: true })),
    onSuccess: (client) => {
      qc.setQueryData(clientQueryOptions(id).queryKey, client);
      return qc.invalidateQueries({ queryKey: queryRoots.clients });
    },
    meta: { quiet: true },
  });
}

export function useDeleteClient() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => data(deleteApiClient({ path: { id }, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryRoots.clients }),
  });
}

/** The client's own usage per day over the last 30 days. */
export const clientUsageQueryOptions = (clientId: string) =>
  queryOptions({
    queryKey: [...queryRoots.usage, 'client', clientId],
    queryFn: () => {
      const to = new Date();
      const from = new Date(to.getTime() - 30 * 86_400_000);
      return data(getAdminUsage({ query: { client_id: clientId, granularity: 'day', from: from.toISOString(), to: to.toISOString() }, throwOnError: true }));
    },
  });
export const useClientUsage = (clientId: string) => useQuery(clientUsageQueryOptions(clientId));
