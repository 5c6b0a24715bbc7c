import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey, type ApiKeyCreateDto } from '@sdk';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { allPages } from '../../../lib/all-pages';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export const keysQueryOptions = (clientId: string) =>
  queryOptions({
    queryKey: [...queryRoots.keys, clientId],
    // every page: the list is oldest first, so a client's newest keys are on its last page
    queryFn: async () => ({
      items: await allPages((cursor) =>
        data(listApiKeys({ path: { id: clientId }, query: { limit: 200, ...(cursor ? { cursor } : {}) }, throwOnError: true })),
      ),
    }),
  });
export const useKeys = (clientId: string) => useQuery(keysQueryOptions(clientId));

export function useCreateKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ clientId, body }: { clientId: string; body: ApiKeyCreateDto }) => data(createApiKey({ path: { id: clientId }, body, throwOnError: true })),
    onSuccess: (_key, { clientId }) => qc.invalidateQueries({ queryKey: [...queryRoots.keys, clientId] }),
    meta: { quiet: true },
  });
}

export function useRotateKey(clientId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, graceSeconds }: { id: string; graceSeconds: number }) =>
      data(rotateApiKey({ path: { id }, body: { grace_period_seconds: graceSeconds }, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...queryRoots.keys, clientId] }),
  });
}

export function useRevokeKey(clientId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => data(revokeApiKey({ path: { id }, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: [...queryRoots.keys, clientId] }),
  });
}
