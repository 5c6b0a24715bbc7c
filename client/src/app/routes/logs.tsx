import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button } from '../../components/ui/button';
import { Card } from '../../components/ui/card';
import { Field } from '../../components/ui/field';
import { PageHeader } from '../../components/ui/page-header';
import { Empty, QueryState } from '../../components/ui/states';
import { useLogFilterChoices, useLogs, type LogQuery, type LogStatus } from '../../features/logs/api/logs';
import { LogDetailDialog } from '../../features/logs/components/log-detail';
import { LogsTable } from '../../features/logs/components/logs-table';
import { isApiError } from '../../lib/api';
import { fromLocalInput, toLocalInput } from '../../lib/format';

const STATUSES: LogStatus[] = ['success', 'error', 'cancelled', 'rate_limited', 'budget_exceeded', 'rejected'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PAGE_SIZE = 50;

/** Filters live in the URL, each checked before it is sent. */
function readFilters(p: URLSearchParams): LogQuery {
  const q: LogQuery = { limit: PAGE_SIZE };
  const client = p.get('client_id');
  const template = p.get('template_id');
  const status = p.get('status') as LogStatus | null;
  if (client && UUID.test(client)) q.client_id = client;
  if (template && UUID.test(template)) q.template_id = template;
  if (status && STATUSES.includes(status)) q.status = status;
  for (const key of ['provider', 'model'] as const) {
    const v = p.get(key)?.trim();
    if (v) q[key] = v.slice(0, 200);
  }
  for (const key of ['from', 'to'] as const) {
    const v = p.get(key);
    if (v && !Number.isNaN(new Date(v).getTime())) q[key] = new Date(v).toISOString();
  }
  return q;
}

/**
 * What is wrong with the time range, said at From before anything is asked: the API refuses a From
 * that is not before To (or before now, when To is left out) with a 422 naming from.
 */
function fromProblem(q: LogQuery, now: number): string | undefined {
  if (!q.from) return undefined;
  const from = new Date(q.from).getTime();
  if (q.to) return from >= new Date(q.to).getTime() ? 'Must be before To.' : undefined;
  return from >= now ? 'Must be in the past: no call is logged after now. Pick an earlier time or set To.' : undefined;
}

/**
 * A typed filter, applied on Enter or on leaving the field. What it shows follows the URL: Clear
 * filters, or Back, empties or restores it, so the field never names a filter the list does not apply.
 */
function TextFilter({ label, hint, value, onCommit }: { label: string; hint?: string; value: string; onCommit: (value: string) => void }) {
  const [text, setText] = useState(value);
  const [applied, setApplied] = useState(value);
  if (applied !== value) {
    setApplied(value);
    setText(value);
  }
  return (
    <Field label={label} hint={hint}>
      <input
        className="input"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onBlur={() => onCommit(text.trim())}
        onKeyDown={(e) => e.key === 'Enter' && onCommit(text.trim())}
      />
    </Field>
  );
}

export function LogsRoute() {
  const [params, setParams] = useSearchParams();
  const filters = readFilters(params);
  const filterKey = JSON.stringify(filters);
  const [pages, setPages] = useState<{ key: string; cursors: string[] }>({ key: filterKey, cursors: [] });
  const cursors = pages.key === filterKey ? pages.cursors : [];
  const cursor = cursors[cursors.length - 1];
  const [autoRefresh, setAutoRefresh] = useState(false);
  const now = Date.now();
  const rangeProblem = fromProblem(filters, now);
  const logs = useLogs({ ...filters, ...(cursor ? { cursor } : {}) }, autoRefresh && !cursor, !rangeProblem);
  // the API's own refusal of the range (a clock that differs from the server's), said at the field too
  const fromError = rangeProblem ?? (isApiError(logs.error) && logs.error.status === 422 ? logs.error.fieldError('from') : undefined);
  const choices = useLogFilterChoices();
  const openId = params.get('request');
  const names = new Map((choices.data?.clients ?? []).map((c) => [c.id, c.name]));

  const set = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('request');
    setParams(next, { replace: true });
  };
  const open = (id: string | null) => {
    const next = new URLSearchParams(params);
    if (id) next.set('request', id);
    else next.delete('request');
    setParams(next);
  };

  return (
    <>
      <PageHeader
        title="Logs"
        description="Every call, refusals included, newest first. Times are in your time zone."
        actions={
          <label className="checkbox">
            <input type="checkbox" checked={autoRefresh} onChange={(e) => setAutoRefresh(e.target.checked)} /> Auto-refresh (5 s)
          </label>
        }
      />
      <Card>
        <div className="filters" role="group" aria-label="Log filters">
          <Field label="Client">
            <select className="input" value={filters.client_id ?? ''} onChange={(e) => set('client_id', e.target.value)}>
              <option value="">any</option>
              {choices.data?.clients.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </Field>
          <TextFilter label="Provider" value={filters.provider ?? ''} onCommit={(v) => set('provider', v)} />
          <TextFilter label="Model" hint="the provider's model id" value={filters.model ?? ''} onCommit={(v) => set('model', v)} />
          <Field label="Status">
            <select className="input" value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)}>
              <option value="">any</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s.replace('_', ' ')}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Template">
            <select className="input" value={filters.template_id ?? ''} onChange={(e) => set('template_id', e.target.value)}>
              <option value="">any</option>
              {choices.data?.templates.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </Field>
          <Field label="From" error={fromError}>
            <input
              className="input"
              type="datetime-local"
              value={toLocalInput(filters.from)}
              max={toLocalInput(filters.to ?? new Date(now).toISOString())}
              onChange={(e) => set('from', fromLocalInput(e.target.value))}
            />
          </Field>
          <Field label="To">
            <input
              className="input"
              type="datetime-local"
              value={toLocalInput(filters.to)}
              min={toLocalInput(filters.from) || undefined}
              onChange={(e) => set('to', fromLocalInput(e.target.value))}
            />
          </Field>
          <Button variant="secondary" onClick={() => setParams(new URLSearchParams(), { replace: true })}>
            Clear filters
          </Button>
        </div>
      </Card>
      <Card>
        {fromError ? (
          <Empty title="No calls can match this time range">From {fromError.charAt(0).toLowerCase() + fromError.slice(1)}</Empty>
        ) : (
          <QueryState
            query={logs}
            empty={(d) =>
              d.items.length === 0 && cursors.length === 0 ? <Empty title="No calls match">Calls appear here as soon as they are recorded.</Empty> : null
            }
          >
            {(d) => (
              <>
                <LogsTable items={d.items} clientName={(id) => (id ? (names.get(id) ?? id.slice(0, 8)) : '—')} onOpen={open} />
                <div className="pager">
                  <span className="muted">Page {cursors.length + 1}</span>
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={cursors.length === 0}
                    onClick={() => setPages({ key: filterKey, cursors: cursors.slice(0, -1) })}
                  >
                    Newer
                  </Button>
                  <Button
                    variant="secondary"
                    size="sm"
                    disabled={!d.next_cursor}
                    onClick={() => d.next_cursor && setPages({ key: filterKey, cursors: [...cursors, d.next_cursor] })}
                  >
                    Older
                  </Button>
                </div>
              </>
            )}
          </QueryState>
        )}
      </Card>
      {openId && <LogDetailDialog requestId={openId} clientName={(id) => names.get(id)} onClose={() => open(null)} />}
    </>
  );
}
