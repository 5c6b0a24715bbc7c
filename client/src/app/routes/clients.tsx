import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Button } from '../../components/ui/button';
import { Card } from '../../components/ui/card';
import { PageHeader } from '../../components/ui/page-header';
import { Pager, useCursorPages } from '../../components/ui/pager';
import { Empty, QueryState } from '../../components/ui/states';
import { useClients } from '../../features/clients/api/clients';
import { ClientsTable } from '../../features/clients/components/clients-table';
import { CreateClientDialog } from '../../features/clients/components/create-client-dialog';

export function ClientsRoute() {
  const pages = useCursorPages();
  const clients = useClients(pages.cursor);
  const [creating, setCreating] = useState(false);
  const navigate = useNavigate();
  const [createdId, setCreatedId] = useState<string | null>(null);
  return (
    <>
      <PageHeader
        title="API clients"
        description="Applications that call LLMHub, with their keys, limits, budgets and spend."
        actions={<Button onClick={() => setCreating(true)}>New client</Button>}
      />
      <Card>
        <QueryState
          query={clients}
          empty={(d) => (d.items.length === 0 && pages.isFirst ? <Empty title="No API clients yet">Create one to issue its first key.</Empty> : null)}
        >
          {(d) => (
            <>
              <ClientsTable clients={d.items} />
              <Pager pages={pages} nextCursor={d.next_cursor} />
            </>
          )}
        </QueryState>
      </Card>
      <CreateClientDialog
        open={creating}
        onCreated={setCreatedId}
        onOpenChange={(open) => {
          setCreating(open);
          if (!open && createdId) void navigate(`/clients/${createdId}`);
        }}
      />
    </>
  );
}
