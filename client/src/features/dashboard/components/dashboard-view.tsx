import type { DashboardResponseDto } from '@sdk';
import { Link } from 'react-router';
import { Badge } from '../../../components/ui/badge';
import { Stat } from '../../../components/ui/card';
import { Chart } from '../../../components/ui/chart';
import { ChartCard } from '../../../components/ui/chart-card';
import { Empty } from '../../../components/ui/states';
import { DataTable } from '../../../components/ui/table';
import { formatCount, formatDateTime, formatHour, formatMs, formatNumberTick, formatPercent, formatUtcDay, plural } from '../../../lib/format';
import { formatMoney, formatMoneyTick, moneyToNumber } from '../../../lib/format-money';
import { useBudgetWatch, useCircuits } from '../api/get-dashboard';

export function DashboardView({ d }: { d: DashboardResponseDto }) {
  const hours = d.last_24_hours.map((h) => ({
    hour: h.hour,
    requests: h.requests,
    errors: h.errors,
    error_rate: h.error_rate,
    p50: h.latency_ms_p50,
    p95: h.latency_ms_p95,
    cost: moneyToNumber(h.cost_usd),
  }));
  const hourly = { data: hours, x: 'hour', formatX: formatHour };
  return (
    <>
      <div className="stats" aria-label="Headline figures">
        <Stat label="Cost today" value={formatMoney(d.today.cost_usd)} hint={plural(d.today.requests, 'request')} />
        <Stat label="Cost this month" value={formatMoney(d.month_to_date.cost_usd)} hint={plural(d.month_to_date.requests, 'request')} />
        <Stat label="Month-end forecast" value={formatMoney(d.month_end_forecast_usd, { cents: true })} hint="at this month's rate so far" />
        <Stat
          label="Error rate today"
          value={formatPercent(d.error_rate_today)}
          hint={`${plural(d.today.errors, 'error')} · ${formatCount(d.today.rejected)} refused`}
          tone={d.error_rate_today > 0.05 ? 'bad' : undefined}
        />
        <Stat
          label="Latency p50 / p95"
          value={`${formatMs(d.last_hour.latency_ms_p50)} / ${formatMs(d.last_hour.latency_ms_p95)}`}
          hint="successful calls, last hour"
        />
      </div>
      <div className="grid-cards">
        <ChartCard title="Requests per hour (last 24 h)">
          <Chart
            label="Requests and errors per hour"
            {...hourly}
            flatText="No requests in the last 24 h"
            series={[
              { key: 'requests', label: 'Requests' },
              { key: 'errors', label: 'Errors', color: '#dc2626' },
            ]}
          />
        </ChartCard>
        <ChartCard title="Cost per hour (last 24 h)">
          <Chart
            label="Cost per hour in USD"
            {...hourly}
            flatText="No spend in the last 24 h"
            formatY={formatMoneyTick}
            series={[{ key: 'cost', label: 'Cost (USD)', color: '#16a34a' }]}
            kind="area"
          />
        </ChartCard>
        <ChartCard title="Latency (last 24 h)">
          <Chart
            label="Latency p50 and p95 per hour in milliseconds"
            {...hourly}
            flatText="No successful calls in the last 24 h"
            formatY={(v) => `${formatNumberTick(v)} ms`}
            series={[
              { key: 'p50', label: 'p50' },
              { key: 'p95', label: 'p95', color: '#d97706' },
            ]}
            kind="line"
          />
        </ChartCard>
        <ChartCard title="Error rate (last 24 h)">
          <Chart
            label="Error rate per hour in percent"
            {...hourly}
            flatText="No errors in the last 24 h"
            formatY={(v) => formatPercent(v)}
            // a rate is at most 100%: a quiet day drew its axis up to 400%
            yMax={1}
            series={[{ key: 'error_rate', label: 'Error rate', color: '#dc2626' }]}
            kind="line"
          />
        </ChartCard>
        <ChartCard title="Cost per day (last 30 days)">
          <Chart
            label="Cost per day in USD"
            flatText="No spend in the last 30 days"
            data={d.cost_per_day.map((c) => ({ day: c.day, cost: moneyToNumber(c.cost_usd) }))}
            x="day"
            formatX={formatUtcDay}
            formatY={formatMoneyTick}
            series={[{ key: 'cost', label: 'Cost (USD)' }]}
          />
        </ChartCard>
        <ChartCard title="Top clients this month" empty={d.top_clients.length === 0 && <Empty title="No traffic this month" />}>
          <DataTable
            caption="Top clients this month"
            rows={d.top_clients}
            rowKey={(c) => c.client_id ?? 'none'}
            columns={[
              {
                key: 'name',
                header: 'Client',
                cell: (c) =>
                  c.client_id ? (
                    <Link className="long-name" to={`/clients/${c.client_id}`}>
                      {c.client_name ?? c.client_id}
                    </Link>
                  ) : (
                    <span className="muted">no client</span>
                  ),
              },
              { key: 'requests', header: 'Requests', align: 'right', cell: (c) => formatCount(c.requests) },
              { key: 'cost', header: 'Cost', align: 'right', cell: (c) => formatMoney(c.cost_usd) },
            ]}
          />
        </ChartCard>
        <ChartCard title="Top models this month" empty={d.top_models.length === 0 && <Empty title="No traffic this month" />}>
          <DataTable
            caption="Top models this month"
            rows={d.top_models}
            rowKey={(m) => `${m.provider}/${m.model}`}
            columns={[
              {
                key: 'model',
                header: 'Model',
                cell: (m) => (
                  <code>
                    {m.provider}/{m.model}
                  </code>
                ),
              },
              { key: 'requests', header: 'Requests', align: 'right', cell: (m) => formatCount(m.requests) },
              { key: 'cost', header: 'Cost', align: 'right', cell: (m) => formatMoney(m.cost_usd) },
            ]}
          />
        </ChartCard>
        <BudgetWatch />
        <Circuits />
      </div>
      <p className="muted">Updated {formatDateTime(d.generated_at)} · refreshes every 30 s.</p>
    </>
  );
}

function BudgetWatch() {
  const watch = useBudgetWatch();
  return (
    <ChartCard
      title="Clients near or over budget"
      query={watch}
      empty={(list) =>
        list.length === 0 ? (
          <Empty title="No client has reached its budget or its alert threshold">
            A client close to its budget can still have a call refused when the call&apos;s largest possible cost does not fit in what is left; Billing&apos;s
            Refused column counts those.
          </Empty>
        ) : null
      }
    >
      {(list) => (
        <DataTable
          caption="Clients near or over budget"
          rows={list}
          rowKey={(c) => c.id}
          columns={[
            {
              key: 'name',
              header: 'Client',
              cell: (c) => (
                <Link className="long-name" to={`/clients/${c.id}`}>
                  {c.name}
                </Link>
              ),
            },
            {
              key: 'state',
              header: 'State',
              cell: (c) => (c.budget_alert === 'exceeded' ? <Badge tone="bad">over budget</Badge> : <Badge tone="warn">near budget</Badge>),
            },
            {
              key: 'spend',
              header: 'Spend / budget',
              align: 'right',
              cell: (c) => `${formatMoney(c.month_to_date_spend_usd)} / ${formatMoney(c.monthly_budget_usd)}`,
            },
          ]}
        />
      )}
    </ChartCard>
  );
}

const circuitTone = { closed: 'ok', half_open: 'warn', open: 'bad' } as const;

function Circuits() {
  const providers = useCircuits();
  return (
    <ChartCard title="Provider circuits" query={providers}>
      {(p) => (
        <DataTable
          caption="Provider circuits"
          rows={p.items}
          rowKey={(x) => x.name}
          columns={[
            { key: 'name', header: 'Provider', cell: (x) => <Link to="/providers">{x.name}</Link> },
            { key: 'configured', header: 'Configured', cell: (x) => (x.configured ? <Badge tone="ok">yes</Badge> : <Badge tone="muted">no</Badge>) },
            { key: 'circuit', header: 'Circuit', cell: (x) => <Badge tone={circuitTone[x.circuit]}>{x.circuit.replace('_', '-')}</Badge> },
          ]}
        />
      )}
    </ChartCard>
  );
}
