import { DataTable } from '../../../components/ui/table';
import { formatDateTime, formatMs, formatTokens } from '../../../lib/format';
import { formatMoney } from '../../../lib/format-money';
import type { LogItem } from '../api/logs';
import { StatusBadge } from './status-badge';

export function LogsTable({ items, clientName, onOpen }: { items: LogItem[]; clientName: (id: string | null) => string; onOpen: (requestId: string) => void }) {
  return (
    <DataTable
      caption="Calls, newest first"
      rows={items}
      rowKey={(i) => i.request_id}
      onRowClick={(i) => onOpen(i.request_id)}
      columns={[
        {
          key: 'time',
          header: 'Time',
          cell: (i) => (
            <button
              type="button"
              className="btn btn-ghost btn-sm"
              onClick={(e) => (e.stopPropagation(), onOpen(i.request_id))}
              aria-label={`Open request ${i.request_id}`}
            >
              {formatDateTime(i.created_at)}
            </button>
          ),
        },
        { key: 'client', header: 'Client', cell: (i) => <span className="long-name">{clientName(i.client_id)}</span> },
        { key: 'model', header: 'Model', cell: (i) => <code>{i.provider ? `${i.provider}/${i.model}` : (i.requested_model ?? '—')}</code> },
        { key: 'template', header: 'Template', cell: (i) => (i.template_name ? `${i.template_name} v${i.template_version}` : '') },
        { key: 'status', header: 'Status', cell: (i) => <StatusBadge status={i.status} /> },
        { key: 'tokens', header: 'Tokens in / out', align: 'right', cell: (i) => `${formatTokens(i.input_tokens)} / ${formatTokens(i.output_tokens)}` },
        { key: 'cost', header: 'Cost', align: 'right', cell: (i) => (i.price_unknown ? 'unknown' : formatMoney(i.cost_usd)) },
        { key: 'latency', header: 'Latency', align: 'right', cell: (i) => formatMs(i.latency_ms) },
      ]}
    />
  );
}
