import type { UsageItemDto, UsageResponseDto } from '@sdk';
import { Chart } from '../../../components/ui/chart';
import { Empty } from '../../../components/ui/states';
import { DataTable } from '../../../components/ui/table';
import { formatCount, formatDateTime, formatTokens, formatUtcDay, plural } from '../../../lib/format';
import { formatMoney, formatMoneyTick, moneyToNumber } from '../../../lib/format-money';
import { bucketStarts } from '../../../lib/report-buckets';
import type { GroupBy } from '../api/usage';

const MAX_SERIES = 8;

export function groupLabel(item: UsageItemDto, groupBy: GroupBy | null): string {
  switch (groupBy) {
    case 'client':
      return item.client_name ?? item.client_id ?? '(no client)';
    case 'provider':
      return item.provider ?? '(none)';
    case 'model':
      return item.model ? `${item.provider}/${item.model}` : '(none)';
    case 'template':
      return item.template ? `${item.template} v${item.template_version ?? '?'}` : '(no template)';
    default:
      return 'all';
  }
}

function bucketLabel(bucket: string, granularity: string): string {
  if (granularity === 'hour') return formatDateTime(bucket);
  if (granularity === 'month') return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(bucket));
  return formatUtcDay(bucket.slice(0, 10));
}

const utcDate = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** The days the report's whole buckets cover (its to is exclusive): a month report reaches past the range asked for. */
export function coveredDays(usage: Pick<UsageResponseDto, 'from' | 'to' | 'granularity'>): string {
  const lastDay = new Date(new Date(usage.to).getTime() - 1);
  return `Covers ${utcDate.format(new Date(usage.from))} – ${utcDate.format(lastDay)} (whole ${usage.granularity}s, UTC)`;
}

/** A stacked cost chart (one series per group, the largest first) and the rows with the API's own totals. */
export function UsageReport({ usage }: { usage: UsageResponseDto }) {
  const groupBy = usage.group_by as GroupBy | null;
  if (usage.items.length === 0) return <Empty title="No usage in this range">Widen the date range or change the grouping.</Empty>;
  // rank series by their largest bucket (display only: the ranking never feeds a figure)
  const peak = new Map<string, number>();
  for (const item of usage.items) {
    const label = groupLabel(item, groupBy);
    peak.set(label, Math.max(peak.get(label) ?? 0, moneyToNumber(item.cost_usd)));
  }
  const ranked = [...peak.entries()].sort((a, b) => b[1] - a[1]).map(([label]) => label);
  const shownSeries = ranked.slice(0, MAX_SERIES);
  // every bucket of the range, keyed by its instant, so the empty ones are drawn as zero
  const buckets = new Map<number, Record<string, string | number | null>>();
  for (const bucket of bucketStarts(usage.from, usage.to, usage.granularity)) buckets.set(new Date(bucket).getTime(), { bucket });
  for (const item of usage.items) {
    const at = new Date(item.bucket).getTime();
    const row = buckets.get(at) ?? { bucket: item.bucket };
    const label = groupLabel(item, groupBy);
    const key = shownSeries.includes(label) ? label : 'other';
    // plotting: bar heights per series within one bucket (the table shows the exact figures)
    row[key] = (Number(row[key] ?? 0) || 0) + moneyToNumber(item.cost_usd);
    buckets.set(at, row);
  }
  const series = [...shownSeries, ...(ranked.length > MAX_SERIES ? ['other'] : [])].map((s) => ({ key: s, label: s }));
  return (
    <>
      <p className="muted" data-testid="billing-covered">
        {coveredDays(usage)}
      </p>
      <Chart
        label={`Cost per ${usage.granularity}${groupBy ? ` by ${groupBy}` : ''}`}
        data={[...buckets.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row)}
        x="bucket"
        series={series}
        stacked
        height={280}
        flatText="No spend in this period"
        formatX={(v) => bucketLabel(v, usage.granularity)}
        formatY={formatMoneyTick}
      />
      <DataTable
        caption="Usage rows"
        rows={usage.items}
        rowKey={(i) => `${i.bucket}|${i.client_id}|${i.provider}|${i.model}|${i.template_id}|${i.template_version}`}
        footer
        columns={[
          {
            key: 'bucket',
            header: usage.granularity === 'hour' ? 'Hour' : usage.granularity === 'month' ? 'Month' : 'Day (UTC)',
            cell: (i) => bucketLabel(i.bucket, usage.granularity),
            footer: 'Total',
          },
          ...(groupBy ? [{ key: 'group', header: groupBy, cell: (i: UsageItemDto) => <span className="long-name">{groupLabel(i, groupBy)}</span> }] : []),
          { key: 'requests', header: 'Requests', align: 'right', cell: (i) => formatCount(i.requests), footer: formatCount(usage.totals.requests) },
          { key: 'errors', header: 'Errors', align: 'right', cell: (i) => formatCount(i.errors), footer: formatCount(usage.totals.errors) },
          // refused before a provider (budget, rate limit): counted in Requests, so shown beside it
          { key: 'refused', header: 'Refused', align: 'right', cell: (i) => formatCount(i.rejected), footer: formatCount(usage.totals.rejected) },
          { key: 'in', header: 'Input tokens', align: 'right', cell: (i) => formatTokens(i.input_tokens), footer: formatTokens(usage.totals.input_tokens) },
          { key: 'out', header: 'Output tokens', align: 'right', cell: (i) => formatTokens(i.output_tokens), footer: formatTokens(usage.totals.output_tokens) },
          {
            key: 'cost',
            header: 'Cost',
            align: 'right',
            cell: (i) => formatMoney(i.cost_usd),
            footer: <span data-testid="billing-total">{formatMoney(usage.totals.cost_usd)}</span>,
          },
        ]}
      />
      {usage.totals.price_unknown > 0 && <p className="muted">{plural(usage.totals.price_unknown, 'call')} with no known price: not in the cost.</p>}
    </>
  );
}
