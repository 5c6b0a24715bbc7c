import type { ApiClientResponseDto } from '@sdk';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { DataTable } from '../../../components/ui/table';
import { formatCount, formatDate } from '../../../lib/format';
import { BudgetMeter } from './budget-meter';

export function ClientsTable({ clients }: { clients: ApiClientResponseDto[] }) {
  return (
    <DataTable
      caption="API clients"
      rows={clients}
      rowKey={(c) => c.id}
      columns={[
        {
          key: 'name',
          header: 'Name',
          cell: (c) => (
            <Link className="long-name" to={`/clients/${c.id}`}>
              {c.name}
            </Link>
          ),
        },
        { key: 'status', header: 'Status', cell: (c) => (c.is_active ? <Badge tone="ok">active</Badge> : <Badge tone="muted">inactive</Badge>) },
        {
          key: 'spend',
          header: 'Spend this period',
          cell: (c) => <BudgetMeter spend={c.month_to_date_spend_usd} budget={c.monthly_budget_usd} alert={c.budget_alert} />,
        },
        { key: 'rpm', header: 'Requests/min', align: 'right', cell: (c) => (c.rate_limit_rpm ? formatCount(c.rate_limit_rpm) : 'unlimited') },
        { key: 'created', header: 'Created', cell: (c) => formatDate(c.created_at) },
      ]}
    />
  );
}
