import { Tabs } from 'radix-ui';
import { useParams, useSearchParams } from 'react-router';
import { BackLink } from '../../components/layout/app-shell';
import { Badge } from '../../components/ui/badge';
import { Card } from '../../components/ui/card';
import { notify } from '../../components/ui/toaster';
import { PageHeader } from '../../components/ui/page-header';
import { QueryState } from '../../components/ui/states';
import { DataTable } from '../../components/ui/table';
import { useCreateVersion, useTemplate } from '../../features/templates/api/templates';
import { LabelsAndWeights } from '../../features/templates/components/labels-weights';
import { Playground } from '../../features/templates/components/playground';
import { VersionDiff } from '../../features/templates/components/version-diff';
import { VersionEditor } from '../../features/templates/components/version-editor';
import { VersionStats } from '../../features/templates/components/version-stats';
import { formatDateTime } from '../../lib/format';
import { useOneAtATime } from '../../lib/one-at-a-time';

const TABS = ['versions', 'edit', 'labels', 'stats', 'playground'] as const;
type Tab = (typeof TABS)[number];

export function TemplateDetailRoute() {
  const { id = '' } = useParams();
  const template = useTemplate(id);
  const createVersion = useCreateVersion(id);
  const oneAtATime = useOneAtATime();
  const [params, setParams] = useSearchParams();
  const tab: Tab = TABS.includes(params.get('tab') as Tab) ? (params.get('tab') as Tab) : 'versions';
  return (
    <>
      <BackLink to="/templates">Templates</BackLink>
      <QueryState query={template}>
        {(t) => {
          const latest = [...t.versions].sort((a, b) => b.version - a.version)[0];
          return (
            <>
              <PageHeader
                title={t.name}
                description={t.description ?? undefined}
                actions={
                  <>
                    {t.is_system ? <Badge tone="info">system</Badge> : <Badge>client template</Badge>}
                    <Badge tone="ok">production v{t.active_version}</Badge>
                    {t.ab_weights && (
                      <Badge tone="warn">
                        A/B{' '}
                        {Object.entries(t.ab_weights)
                          .map(([v, w]) => `v${v}:${w}`)
                          .join(' ')}
                      </Badge>
                    )}
                  </>
                }
              />
              {t.warnings.length > 0 && (
                <section className="warning" aria-label="Template warnings">
                  <strong>An A/B split of this template serves versions that require different variables.</strong>
                  <ul>
                    {t.warnings.map((w) => (
                      <li key={`${w.field} ${w.message}`}>
                        <code>{w.field}</code>: {w.message}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
              <Tabs.Root value={tab} onValueChange={(v) => setParams({ tab: v }, { replace: true })}>
                <Tabs.List className="tabs-list" aria-label="Template">
                  <Tabs.Trigger className="tabs-trigger" value="versions">
                    Versions
                  </Tabs.Trigger>
                  <Tabs.Trigger className="tabs-trigger" value="edit">
                    New version
                  </Tabs.Trigger>
                  <Tabs.Trigger className="tabs-trigger" value="labels">
                    Labels & A/B
                  </Tabs.Trigger>
                  <Tabs.Trigger className="tabs-trigger" value="stats">
                    Stats
                  </Tabs.Trigger>
                  <Tabs.Trigger className="tabs-trigger" value="playground">
                    Playground
                  </Tabs.Trigger>
                </Tabs.List>
                <Tabs.Content value="versions" className="stack">
                  <Card title="History" titleId="history-title">
                    <DataTable
                      caption="Versions"
                      rows={[...t.versions].sort((a, b) => b.version - a.version)}
                      rowKey={(v) => String(v.version)}
                      columns={[
                        { key: 'v', header: 'Version', cell: (v) => `v${v.version}` },
                        {
                          key: 'labels',
                          header: 'Labels',
                          cell: (v) => (
                            <span className="chips">
                              {t.labels
                                .filter((l) => l.version === v.version)
                                .map((l) => (
                                  <Badge key={l.label} tone="info">
                                    {l.label}
                                  </Badge>
                                ))}
                            </span>
                          ),
                        },
                        { key: 'vars', header: 'Variables', cell: (v) => v.variables.map((x) => x.name).join(', ') },
                        { key: 'model', header: 'Model', cell: (v) => <code>{v.model ?? ''}</code> },
                        { key: 'note', header: 'Note', cell: (v) => v.note ?? '' },
                        { key: 'created', header: 'Created', cell: (v) => formatDateTime(v.created_at) },
                      ]}
                    />
                  </Card>
                  {t.versions.length > 1 && (
                    <Card title="Compare versions" titleId="diff-title">
                      <VersionDiff versions={t.versions} />
                    </Card>
                  )}
                </Tabs.Content>
                <Tabs.Content value="edit">
                  <Card title={`New version (from v${latest?.version ?? 1})`} titleId="edit-title">
                    <VersionEditor
                      key={latest?.version}
                      base={latest}
                      submitLabel="Save as new version"
                      pending={createVersion.isPending}
                      error={createVersion.error}
                      onSubmit={(d, saved) =>
                        void oneAtATime(() =>
                          createVersion
                            .mutateAsync(
                              {
                                system_prompt: d.system_prompt,
                                body: d.body,
                                variables: d.variables,
                                provider: d.provider,
                                model: d.model,
                                note: d.note || null,
                              },
                              { onSuccess: (r) => (saved(), notify(`Version ${r.latest_version} saved`), setParams({ tab: 'versions' }, { replace: true })) },
                            )
                            .catch(() => undefined),
                        )
                      }
                    />
                  </Card>
                </Tabs.Content>
                <Tabs.Content value="labels">
                  <Card>
                    <LabelsAndWeights key={t.updated_at} template={t} />
                  </Card>
                </Tabs.Content>
                <Tabs.Content value="stats">
                  <VersionStats templateId={t.id} />
                </Tabs.Content>
                <Tabs.Content value="playground">
                  <Card title="Playground" titleId="playground-title">
                    <Playground template={t} />
                  </Card>
                </Tabs.Content>
              </Tabs.Root>
            </>
          );
        }}
      </QueryState>
    </>
  );
}
