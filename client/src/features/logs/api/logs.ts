import { getGenerationLog, listApiClients, listGenerationLogs, listTemplates, type GenerationLogResponseDto, type ListGenerationLogsData } from '@sdk';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export type LogQuery = NonNullable<ListGenerationLogsData['query']>;
export type LogStatus = NonNullable<LogQuery['status']>;

export type LogItem = GenerationLogResponseDto;

export const logsQueryOptions = (q: LogQuery, autoRefresh: boolean) =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'list', q],
    queryFn: () => data(listGenerationLogs({ query: q, throwOnError: true })),
    refetchInterval: autoRefresh ? 5_000 : false,
    placeholderData: keepPreviousData,
  });
export const useLogs = (q: LogQuery, autoRefresh: boolean) => useQuery(logsQueryOptions(q, autoRefresh));

export const logQueryOptions = (requestId: string) =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'one', requestId],
    queryFn: () => data(getGenerationLog({ path: { request_id: requestId }, throwOnError: true })),
  });
export const useLog = (requestId: string) => useQuery(logQueryOptions(requestId));

/** Names for the client and template filters. */
export const logFilterChoicesQueryOptions = () =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'filter-choices'],
    queryFn: async () => {
      const [clients, templates] = await Promise.all([
        data(listApiClients({ query: { limit: 100 }, throwOnError: true })),
        data(listTemplates({ query: { limit: 100 }, throwOnError: true })),
      ]);
      return { clients: clients.items.map((c) => ({ id: c.id, name: c.name })), templates: templates.items.map((t) => ({ id: t.id, name: t.name })) };
    },
    staleTime: 60_000,
  });
export const useLogFilterChoices = () => useQuery(logFilterChoicesQueryOptions());
