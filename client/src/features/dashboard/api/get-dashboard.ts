import { getDashboard, listApiClients, listProviders } from '@sdk';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { allPages } from '../../../lib/all-pages';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export const dashboardQueryOptions = () =>
  queryOptions({ queryKey: [...queryRoots.dashboard], queryFn: () => data(getDashboard({ throwOnError: true })), refetchInterval: 30_000 });
export const useDashboard = () => useQuery(dashboardQueryOptions());

/** Clients past their alert threshold or over budget (the client list carries the state), of every page of the list. */
export const budgetWatchQueryOptions = () =>
  queryOptions({
    queryKey: [...queryRoots.clients, 'list', 'budget-watch'],
    queryFn: async () => {
      const clients = await allPages((cursor) => data(listApiClients({ query: { limit: 200, ...(cursor ? { cursor } : {}) }, throwOnError: true })));
      return clients.filter((c) => c.budget_alert !== 'none');
    },
    refetchInterval: 60_000,
  });
export const useBudgetWatch = () => useQuery(budgetWatchQueryOptions());

export const circuitsQueryOptions = () =>
  queryOptions({ queryKey: [...queryRoots.providers, 'circuits'], queryFn: () => data(listProviders({ throwOnError: true })), refetchInterval: 30_000 });
export const useCircuits = () => useQuery(circuitsQueryOptions());
