import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { BackLink } from '../../components/layout/app-shell';
import { Badge } from '../../components/ui/badge';
import { Button } from '../../components/ui/button';
import { Card, Stat } from '../../components/ui/card';
import { Dialog } from '../../components/ui/dialog';
import { PageHeader } from '../../components/ui/page-header';
import { QueryState } from '../../components/ui/states';
import { useClient, useDeleteClient } from '../../features/clients/api/clients';
import { ClientSettingsForm } from '../../features/clients/components/client-settings-form';
import { ClientUsageChart } from '../../features/clients/components/client-usage-chart';
import { KeysPanel } from '../../features/clients/components/keys-panel';
import { formatDateTime } from '../../lib/format';
import { formatMoney } from '../../lib/format-money';
import { EDITS_GONE } from '../../lib/unsaved-changes';

export function ClientDetailRoute() {
  const { id = '' } = useParams();
  const client = useClient(id);
  const remove = useDeleteClient();
  const navigate = useNavigate();
  const [confirming, setConfirming] = useState(false);
  return (
    <>
      <BackLink to="/clients">API clients</BackLink>
      <QueryState query={client}>
        {(c) => (
          <>
            <PageHeader
              title={c.name}
              description={c.description ?? undefined}
              actions={
                <>
                  {c.is_active ? <Badge tone="ok">active</Badge> : <Badge tone="muted">inactive</Badge>}
                  <Button variant="danger" size="sm" onClick={() => setConfirming(true)}>
                    Delete client
                  </Button>
                </>
              }
            />
            <div className="stats">
              <Stat
                label="Spend this period"
                value={formatMoney(c.month_to_date_spend_usd)}
                hint={`since ${formatDateTime(c.period_start)}`}
                tone={c.budget_alert === 'exceeded' ? 'bad' : c.budget_alert === 'warning' ? 'warn' : undefined}
              />
              <Stat
                label="Budget"
                value={c.monthly_budget_usd ? formatMoney(c.monthly_budget_usd) : 'none'}
                hint={c.monthly_budget_usd ? `per ${c.budget_period}` : undefined}
              />
              <Stat label="Remaining" value={c.remaining_budget_usd ? formatMoney(c.remaining_budget_usd) : '—'} />
            </div>
            <ClientUsageChart clientId={c.id} />
            <Card title="Keys" titleId="keys-title">
              <KeysPanel clientId={c.id} />
            </Card>
            <Card title="Settings" titleId="settings-title">
              <ClientSettingsForm key={c.updated_at} client={c} />
            </Card>
            <Dialog
              open={confirming}
              onOpenChange={setConfirming}
              title={`Delete ${c.name}?`}
              description="The client, its keys and the templates it owns are deleted; its calls are refused at once. Its usage records and feedback stay."
            >
              <div className="dialog-actions">
                <Button variant="secondary" onClick={() => setConfirming(false)}>
                  Cancel
                </Button>
                <Button
                  variant="danger"
                  disabled={remove.isPending}
                  onClick={() => remove.mutate(c.id, { onSuccess: () => void navigate('/clients', { state: EDITS_GONE }) })}
                >
                  Delete client
                </Button>
              </div>
            </Dialog>
          </>
        )}
      </QueryState>
    </>
  );
}
