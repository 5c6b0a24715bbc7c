import { getGenerationLog, listApiClients, listGenerationLogs, listTemplates, type GenerationLogResponseDto, type ListGenerationLogsData } from '@sdk';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { allPages } from '../../../lib/all-pages';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export type LogQuery = NonNullable<ListGenerationLogsData['query']>;
export type LogStatus = NonNullable<LogQuery['status']>;

export type LogItem = GenerationLogResponseDto;

/** `enabled` false: the filters cannot match (a range the API would refuse), so nothing is asked. */
export const logsQueryOptions = (q: LogQuery, autoRefresh: boolean, enabled = true) =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'list', q],
    queryFn: () => data(listGenerationLogs({ query: q, throwOnError: true })),
    refetchInterval: autoRefresh ? 5_000 : false,
    placeholderData: keepPreviousData,
    enabled,
  });
export const useLogs = (q: LogQuery, autoRefresh: boolean, enabled = true) => useQuery(logsQueryOptions(q, autoRefresh, enabled));

export const logQueryOptions = (requestId: string) =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'one', requestId],
    queryFn: () => data(getGenerationLog({ path: { request_id: requestId }, throwOnError: true })),
  });
export const useLog = (requestId: string) => useQuery(logQueryOptions(requestId));

/** Names for the client and template filters: every client and template, not the first page's. */
export const logFilterChoicesQueryOptions = () =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'filter-choices'],
    queryFn: async () => {
      const [clients, templates] = await Promise.all([
        allPages((cursor) => data(listApiClients({ query: { limit: 200, ...(cursor ? { cursor } : {}) }, throwOnError: true }))),
        allPages((cursor) => data(listTemplates({ query: { limit: 200, ...(cursor ? { cursor } : {}) }, throwOnError: true }))),
      ]);
      return { clients: clients.map((c) => ({ id: c.id, name: c.name })), templates: templates.map((t) => ({ id: t.id, name: t.name })) };
    },
    staleTime: 60_000,
  });
export const useLogFilterChoices = () => useQuery(logFilterChoicesQueryOptions());
