import type { TemplateStatsResponseDto } from '@sdk';
import { ChartCard } from '../../../components/ui/chart-card';
import { Empty } from '../../../components/ui/states';
import { DataTable } from '../../../components/ui/table';
import { formatCount, formatMs, formatPercent, formatScore, formatTokens, plural } from '../../../lib/format';
import { formatMoney } from '../../../lib/format-money';
import { useTemplateStats } from '../api/templates';

/** Per-version figures side by side (feedback and its average score included); the running A/B test's share next to its versions. */
export function VersionStats({ templateId }: { templateId: string }) {
  const stats = useTemplateStats(templateId);
  return (
    <ChartCard
      title="Per-version statistics"
      query={stats}
      empty={(s) => (s.versions.length === 0 ? <Empty title="No calls through this template yet" /> : null)}
    >
      {(s) => <StatsTable stats={s} />}
    </ChartCard>
  );
}

/** Averages are fractional; tokens are shown whole. */
const roundOrNull = (n: number | null): number | null => (n === null ? null : Math.round(n));

function StatsTable({ stats: template }: { stats: TemplateStatsResponseDto }) {
  const test = template.ab_tests.find((t) => t.source === 'ab_weights') ?? template.ab_tests[0];
  const share = new Map((test?.variants ?? []).map((v) => [v.version, v.share]));
  return (
    <DataTable
      caption="Per-version statistics"
      rows={[...template.versions].sort((a, b) => a.version - b.version)}
      rowKey={(s) => String(s.version)}
      columns={[
        { key: 'version', header: 'Version', cell: (s) => `v${s.version}` },
        ...(test
          ? [{ key: 'share', header: 'A/B share', align: 'right' as const, cell: (s: { version: number }) => formatPercent(share.get(s.version) ?? 0, 0) }]
          : []),
        { key: 'requests', header: 'Requests', align: 'right', cell: (s) => formatCount(s.requests) },
        { key: 'success', header: 'Success rate', align: 'right', cell: (s) => formatPercent(s.success_rate) },
        { key: 'feedback', header: 'Feedback', align: 'right', cell: (s) => formatCount(s.feedback_count) },
        {
          key: 'score',
          header: 'Avg score',
          align: 'right',
          // the count behind the average: feedback may come without a score
          cell: (s) => (s.avg_feedback_score === null ? '—' : `${formatScore(s.avg_feedback_score)} (${plural(s.scored_feedback_count, 'score')})`),
        },
        { key: 'cost', header: 'Total cost', align: 'right', cell: (s) => formatMoney(s.total_cost_usd) },
        { key: 'avgcost', header: 'Avg cost', align: 'right', cell: (s) => formatMoney(s.avg_cost_usd) },
        {
          key: 'tokens',
          header: 'Avg tokens in / out',
          align: 'right',
          cell: (s) => `${formatTokens(roundOrNull(s.avg_input_tokens))} / ${formatTokens(roundOrNull(s.avg_output_tokens))}`,
        },
        { key: 'latency', header: 'Avg latency', align: 'right', cell: (s) => formatMs(s.avg_latency_ms) },
      ]}
    />
  );
}
