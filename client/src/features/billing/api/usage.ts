import { exportUsageCsv, getAdminUsage, type GetAdminUsageData } from '@sdk';
import { queryOptions, useMutation, useQuery } from '@tanstack/react-query';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export type UsageQuery = NonNullable<GetAdminUsageData['query']>;
export type Granularity = NonNullable<UsageQuery['granularity']>;
export type GroupBy = NonNullable<UsageQuery['group_by']>;

/** `enabled` false: the selection cannot match (a range the API would refuse), so nothing is asked. */
export const usageQueryOptions = (q: UsageQuery, enabled = true) =>
  queryOptions({ queryKey: [...queryRoots.usage, 'report', q], queryFn: () => data(getAdminUsage({ query: q, throwOnError: true })), enabled });
export const useUsage = (q: UsageQuery, enabled = true) => useQuery(usageQueryOptions(q, enabled));

/** Downloads the CSV export for the same selection (the browser saves the file). */
export function useExportCsv() {
  return useMutation({
    mutationFn: async (q: UsageQuery) => {
      // parseAs 'blob' makes the body a Blob at run time (the document describes it as CSV text)
      const blob = (await exportUsageCsv({ query: q, parseAs: 'blob', throwOnError: true })).data as unknown as Blob;
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `llmhub-usage-${q.from ?? 'start'}-${q.to ?? 'now'}.csv`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      return blob.size;
    },
  });
}
