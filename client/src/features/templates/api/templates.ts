import {
  createSystemTemplate,
  createTemplateVersion,
  getTemplate,
  getTemplateStats,
  listTemplates,
  renderTemplate,
  runTemplatePlayground,
  updateTemplate,
  type PlaygroundRunDto,
  type PromptCreateDto,
  type PromptVersionCreateDto,
  type TemplateUpdateDto,
} from '@sdk';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { data } from '../../../lib/api';
import { queryRoots } from '../../../lib/query-keys';

export const templatesQueryOptions = (cursor?: string) =>
  queryOptions({
    queryKey: [...queryRoots.templates, 'list', cursor ?? null],
    queryFn: () => data(listTemplates({ query: { limit: 100, ...(cursor ? { cursor } : {}) }, throwOnError: true })),
  });
export const useTemplates = (cursor?: string) => useQuery(templatesQueryOptions(cursor));

export const templateQueryOptions = (id: string) =>
  queryOptions({ queryKey: [...queryRoots.templates, 'one', id], queryFn: () => data(getTemplate({ path: { id }, throwOnError: true })) });
export const useTemplate = (id: string) => useQuery(templateQueryOptions(id));

/** Per-version figures from the log, fetched whenever the stats are shown. */
export const templateStatsQueryOptions = (id: string) =>
  queryOptions({
    queryKey: [...queryRoots.templates, 'stats', id],
    queryFn: () => data(getTemplateStats({ path: { id }, throwOnError: true })),
    refetchInterval: 30_000,
  });
export const useTemplateStats = (id: string) => useQuery(templateStatsQueryOptions(id));

export function useCreateTemplate() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PromptCreateDto) => data(createSystemTemplate({ body, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryRoots.templates }),
    meta: { quiet: true },
  });
}

export function useCreateVersion(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: PromptVersionCreateDto) => data(createTemplateVersion({ path: { id }, body, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryRoots.templates }),
    meta: { quiet: true },
  });
}

/** Labels, protected labels and A/B weights. */
export function useUpdateTemplate(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TemplateUpdateDto) => data(updateTemplate({ path: { id }, body, throwOnError: true })),
    onSuccess: () => qc.invalidateQueries({ queryKey: queryRoots.templates }),
    meta: { quiet: true },
  });
}

export function useRenderTemplate(id: string) {
  return useMutation({
    mutationFn: (body: { version: number; variables: Record<string, string> }) => data(renderTemplate({ path: { id }, body, throwOnError: true })),
    meta: { quiet: true },
  });
}

export function useRunPlayground(id: string) {
  return useMutation({
    mutationFn: (body: PlaygroundRunDto) => data(runTemplatePlayground({ path: { id }, body, throwOnError: true })),
    meta: { quiet: true },
  });
}
