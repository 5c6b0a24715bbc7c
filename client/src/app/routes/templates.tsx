import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card } from '../../components/ui/card';
import { Dialog } from '../../components/ui/dialog';
import { Field } from '../../components/ui/field';
import { PageHeader } from '../../components/ui/page-header';
import { Pager, useCursorPages } from '../../components/ui/pager';
import { Empty, QueryState } from '../../components/ui/states';
import { DataTable } from '../../components/ui/table';
import { clientQueryOptions } from '../../features/clients/api/clients';
import { useCreateTemplate, useTemplates } from '../../features/templates/api/templates';
import { VersionEditor } from '../../features/templates/components/version-editor';
import { formatDateTime } from '../../lib/format';
import { useOneAtATime } from '../../lib/one-at-a-time';

export function TemplatesRoute() {
  const [params, setParams] = useSearchParams();
  const search = params.get('q') ?? '';
  const pages = useCursorPages();
  const templates = useTemplates(pages.cursor);
  const [creating, setCreating] = useState(false);
  const create = useCreateTemplate();
  const oneAtATime = useOneAtATime();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader
        title="Templates"
        description="Versioned prompts with variables, labels and A/B tests. System templates are shared by every client."
        actions={<Button onClick={() => setCreating(true)}>New template</Button>}
      />
      <Card>
        <div className="filters">
          <Field label="Search templates">
            <input
              className="input"
              type="search"
              value={search}
              onChange={(e) => setParams(e.target.value ? { q: e.target.value } : {}, { replace: true })}
              placeholder="name or description"
            />
          </Field>
        </div>
        <QueryState query={templates}>
          {(d) => {
            const needle = search.trim().toLowerCase();
            const rows = d.items.filter((t) => !needle || t.name.toLowerCase().includes(needle) || (t.description ?? '').toLowerCase().includes(needle));
            return (
              <>
                {rows.length === 0 ? (
                  <Empty title={needle ? 'No template matches' : 'No templates yet'} />
                ) : (
                  <DataTable
                    caption="Templates"
                    rows={rows}
                    rowKey={(t) => t.id}
                    columns={[
                      { key: 'name', header: 'Name', cell: (t) => <Link to={`/templates/${t.id}`}>{t.name}</Link> },
                      { key: 'desc', header: 'Description', cell: (t) => t.description ?? '' },
                      {
                        key: 'owner',
                        header: 'Owner',
                        cell: (t) => (t.is_system ? <Badge tone="info">system</Badge> : t.owner_client_id ? <OwnerClient id={t.owner_client_id} /> : ''),
                      },
                      { key: 'versions', header: 'Versions', align: 'right', cell: (t) => `v${t.active_version} of ${t.latest_version}` },
                      { key: 'ab', header: 'A/B', cell: (t) => (t.ab_weights ? <Badge tone="warn">running</Badge> : '') },
                      { key: 'updated', header: 'Updated', cell: (t) => formatDateTime(t.updated_at) },
                    ]}
                  />
                )}
                <Pager pages={pages} nextCursor={d.next_cursor} />
              </>
            );
          }}
        </QueryState>
      </Card>
      <Dialog
        open={creating}
        onOpenChange={(o) => (setCreating(o), o || create.reset())}
        title="New template"
        description="Version 1 is created from this and gets the production and latest labels."
        wide
      >
        <VersionEditor
          withName
          submitLabel="Create template"
          pending={create.isPending}
          error={create.error}
          onSubmit={(d, saved) =>
            void oneAtATime(() =>
              create
                .mutateAsync(
                  {
                    name: d.name ?? '',
                    description: d.description || null,
                    system_prompt: d.system_prompt,
                    body: d.body,
                    variables: d.variables,
                    provider: d.provider,
                    model: d.model,
                  },
                  { onSuccess: (t) => (saved(), void navigate(`/templates/${t.id}`)) },
                )
                .catch(() => undefined),
            )
          }
        />
      </Dialog>
    </>
  );
}

/** The client that owns a template, by name and linked to its page; its id's first characters until the name is known (or if it is gone). */
function OwnerClient({ id }: { id: string }) {
  const owner = useQuery({ ...clientQueryOptions(id), meta: { quiet: true } });
  if (!owner.data) return <code title={id}>{id.slice(0, 8)}</code>;
  return (
    <Link className="long-name" to={`/clients/${id}`}>
      {owner.data.name}
    </Link>
  );
}
