import type { UsageResponseDto } from '@sdk';
import { Chart } from '../../../components/ui/chart';
import { ChartCard } from '../../../components/ui/chart-card';
import { formatCount, formatTokens, formatUtcDay, plural } from '../../../lib/format';
import { formatMoney, formatMoneyTick, moneyToNumber } from '../../../lib/format-money';
import { bucketStarts } from '../../../lib/report-buckets';
import { useClientUsage } from '../api/clients';

export function ClientUsageChart({ clientId }: { clientId: string }) {
  const usage = useClientUsage(clientId);
  return (
    <ChartCard
      title="Usage, last 30 days (UTC days)"
      query={usage}
      empty={(u) => (u.items.length === 0 ? <p className="muted">No calls in the last 30 days.</p> : null)}
    >
      {(u) => (
        <>
          <Chart
            label="Cost per day over the last 30 days"
            flatText="No spend in the last 30 days"
            data={everyDay(u)}
            x="bucket"
            series={[{ key: 'cost', label: 'Cost (USD)' }]}
            // a bucket is a UTC day: read in the local zone, west of UTC it would be named the day before
            formatX={(v) => formatUtcDay(v.slice(0, 10))}
            formatY={formatMoneyTick}
          />
          <p className="muted">
            30 days: {plural(u.totals.requests, 'request')}
            {u.totals.rejected > 0 && ` (${formatCount(u.totals.rejected)} refused before a provider)`} ·{' '}
            {formatTokens(u.totals.input_tokens + u.totals.output_tokens)} tokens · {formatMoney(u.totals.cost_usd)}
          </p>
        </>
      )}
    </ChartCard>
  );
}

/** Each day of the report at its cost, a day without calls at zero, so the axis spans the 30 days. */
function everyDay(u: UsageResponseDto): { bucket: string; cost: number }[] {
  const cost = new Map(u.items.map((i) => [new Date(i.bucket).getTime(), moneyToNumber(i.cost_usd)]));
  return bucketStarts(u.from, u.to, 'day').map((bucket) => ({ bucket, cost: cost.get(new Date(bucket).getTime()) ?? 0 }));
}
