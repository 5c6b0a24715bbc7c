import { getGenerationLog, listApiClients, listGenerationLogs, listTemplates, type ListGenerationLogsData } from '@sdk';
import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export type LogQuery = NonNullable<ListGenerationLogsData['query']>;
export type LogStatus = NonNullable<LogQuery['status']>;

// The log routes' responses are untyped in the OpenAPI document so far; this is the
// shape the API answers (replace with the generated type once the document has it).
export interface LogItem {
  request_id: string;
  created_at: string;
  client_id: string | null;
  api_key_id: string | null;
  endpoint: string;
  provider: string | null;
  model: string | null;
  requested_model: string | null;
  template_id: string | null;
  template_name: string | null;
  template_version: number | null;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: string | null;
  price_unknown: boolean;
  latency_ms: number;
  ttft_ms: number | null;
  status: LogStatus;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
  is_stream: boolean;
  metadata: Record<string, unknown> | null;
}
export interface LogPage {
  items: LogItem[];
  next_cursor: string | null;
}

export const logsQueryOptions = (q: LogQuery, autoRefresh: boolean) =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'list', q],
    queryFn: async () => (await data(listGenerationLogs({ query: q, throwOnError: true }))) as unknown as LogPage,
    refetchInterval: autoRefresh ? 5_000 : false,
    placeholderData: keepPreviousData,
  });
export const useLogs = (q: LogQuery, autoRefresh: boolean) => useQuery(logsQueryOptions(q, autoRefresh));

export const logQueryOptions = (requestId: string) =>
  queryOptions({
    queryKey: [...queryRoots.logs, 'one', requestId],
    queryFn: async () => (await data(getGenerationLog({ path: { request_id: requestId }, throwOnError: true }))) as unknown as LogItem,
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
