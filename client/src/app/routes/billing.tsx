import { useSearchParams } from 'react-router';
import { Button } from '../../components/ui/button';
import { Card } from '../../components/ui/card';
import { Field } from '../../components/ui/field';
import { PageHeader } from '../../components/ui/page-header';
import { Empty, QueryState } from '../../components/ui/states';
import { useExportCsv, useUsage, type Granularity, type GroupBy, type UsageQuery } from '../../features/billing/api/usage';
import { UsageReport } from '../../features/billing/components/usage-report';

const GRANULARITIES: Granularity[] = ['hour', 'day', 'month'];
const GROUPS: GroupBy[] = ['client', 'provider', 'model', 'template'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** The UTC day `days` after `day` ("2025-01-31", 1 → "2025-02-01"). */
function addDays(day: string, days: number): string {
  return utcDay(new Date(new Date(`${day}T00:00:00Z`).getTime() + days * 86_400_000));
}

/** The selection lives in the URL (shareable, back-button friendly), checked before use. */
function readQuery(params: URLSearchParams): UsageQuery & { from: string; to: string } {
  const today = new Date();
  const to = DAY.test(params.get('to') ?? '') ? params.get('to')! : utcDay(new Date(today.getTime() + 86_400_000));
  const from = DAY.test(params.get('from') ?? '') ? params.get('from')! : utcDay(new Date(today.getTime() - 29 * 86_400_000));
  const g = params.get('granularity') as Granularity | null;
  const group = params.get('group_by') as GroupBy | null;
  return {
    from,
    to,
    granularity: g && GRANULARITIES.includes(g) ? g : 'day',
    ...(group && GROUPS.includes(group) ? { group_by: group } : !params.has('group_by') ? { group_by: 'model' } : {}),
  };
}

export function BillingRoute() {
  const [params, setParams] = useSearchParams();
  const q = readQuery(params);
  // To is exclusive: the API refuses a From on or after it with a 422 naming from, said here at From instead
  const fromError = q.from >= q.to ? 'Must be before To (To is exclusive: for one day, To is the day after).' : undefined;
  const usage = useUsage(q, !fromError);
  const exportCsv = useExportCsv();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageHeader
        title="Billing"
        description="Cost and usage across every client, from the rollups. Days and months are UTC; money is exact."
        actions={
          <Button variant="secondary" onClick={() => exportCsv.mutate(q)} disabled={exportCsv.isPending || Boolean(fromError)}>
            {exportCsv.isPending ? 'Exporting…' : 'Export CSV'}
          </Button>
        }
      />
      <Card>
        <div className="filters" role="group" aria-label="Report selection">
          <Field label="From (UTC day)" error={fromError}>
            <input className="input" type="date" value={q.from} max={addDays(q.to, -1)} onChange={(e) => e.target.value && set('from', e.target.value)} />
          </Field>
          <Field label="To (UTC day, exclusive)">
            <input className="input" type="date" value={q.to} min={addDays(q.from, 1)} onChange={(e) => e.target.value && set('to', e.target.value)} />
          </Field>
          <Field label="Granularity">
            <select className="input" value={q.granularity} onChange={(e) => set('granularity', e.target.value)}>
              {GRANULARITIES.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Group by">
            <select className="input" value={q.group_by ?? ''} onChange={(e) => set('group_by', e.target.value)}>
              <option value="">nothing</option>
              {GROUPS.map((g) => (
                <option key={g} value={g}>
                  {g}
                </option>
              ))}
            </select>
          </Field>
        </div>
      </Card>
      <Card>
        {fromError ? (
          <Empty title="No usage can match this range">Set From to a day before To.</Empty>
        ) : (
          <QueryState query={usage}>{(u) => <UsageReport usage={u} />}</QueryState>
        )}
      </Card>
    </>
  );
}
