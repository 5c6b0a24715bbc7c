import { Chart } from '../../../components/ui/chart';
import { ChartCard } from '../../../components/ui/chart-card';
import { formatShortDateTime, formatTokens, plural } from '../../../lib/format';
import { formatMoney, moneyToNumber } from '../../../lib/format-money';
import { useClientUsage } from '../api/clients';

export function ClientUsageChart({ clientId }: { clientId: string }) {
  const usage = useClientUsage(clientId);
  return (
    <ChartCard title="Usage, last 30 days" query={usage} empty={(u) => (u.items.length === 0 ? <p className="muted">No calls in the last 30 days.</p> : null)}>
      {(u) => (
        <>
          <Chart
            label="Cost per day over the last 30 days"
            data={u.items.map((i) => ({ bucket: i.bucket, cost: moneyToNumber(i.cost_usd), requests: i.requests }))}
            x="bucket"
            series={[{ key: 'cost', label: 'Cost (USD)' }]}
            formatX={(v) => formatShortDateTime(v).split(',')[0] ?? v}
            formatY={(v) => `$${v}`}
          />
          <p className="muted">
            30 days: {plural(u.totals.requests, 'request')} · {formatTokens(u.totals.input_tokens + u.totals.output_tokens)} tokens ·{' '}
            {formatMoney(u.totals.cost_usd)}
          </p>
        </>
      )}
    </ChartCard>
  );
}
