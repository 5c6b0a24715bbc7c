import { Badge } from '../../../components/ui/badge';
import { Dialog } from '../../../components/ui/dialog';
import { QueryState } from '../../../components/ui/states';
import { formatDateTime, formatMs, formatTokens } from '../../../lib/format';
import { formatMoney } from '../../../lib/format-money';
import { useLog, type LogItem } from '../api/logs';
import { StatusBadge } from './status-badge';

/** `clientName`: a client's name by id, as the Logs page knows them (the id alone when it does not). */
export function LogDetailDialog({
  requestId,
  onClose,
  clientName,
}: {
  requestId: string;
  onClose: () => void;
  clientName?: (id: string) => string | undefined;
}) {
  const log = useLog(requestId);
  return (
    <Dialog open onOpenChange={(open) => !open && onClose()} title="Request detail" wide>
      <QueryState query={log}>{(item) => <LogFacts item={item} clientName={clientName} />}</QueryState>
    </Dialog>
  );
}

function LogFacts({ item, clientName }: { item: LogItem; clientName?: (id: string) => string | undefined }) {
  const client = item.client_id ? clientName?.(item.client_id) : undefined;
  const fellBack =
    item.requested_model !== null && item.model !== null && item.requested_model !== `${item.provider}/${item.model}` && item.requested_model !== item.model;
  return (
    <div className="split">
      <dl className="facts" aria-label="Call">
        <dt>Request id</dt>
        <dd>
          <code>{item.request_id}</code>
        </dd>
        <dt>Time</dt>
        <dd>{formatDateTime(item.created_at)}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={item.status} />
        </dd>
        <dt>Endpoint</dt>
        <dd>
          <code>{item.endpoint}</code> {item.is_stream && <Badge tone="info">stream</Badge>}
        </dd>
        <dt>Client</dt>
        <dd>
          {client && <>{client} </>}
          {item.client_id ? <code>{item.client_id}</code> : '—'}
        </dd>
        <dt>Key</dt>
        <dd>{item.api_key_id ? <code>{item.api_key_id}</code> : '—'}</dd>
        <dt>Template</dt>
        <dd>{item.template_name ? `${item.template_name} v${item.template_version}` : '—'}</dd>
      </dl>
      <dl className="facts" aria-label="Outcome">
        <dt>Model</dt>
        <dd>
          <code>{item.provider ? `${item.provider}/${item.model}` : (item.model ?? '—')}</code>
        </dd>
        <dt>Requested</dt>
        <dd>
          {/* null: the model that answered is the one asked for (the log keeps the asked-for one only when they differ) */}
          {item.requested_model !== null ? <code>{item.requested_model}</code> : <span className="muted">{item.model !== null ? 'the same' : '—'}</span>}{' '}
          {fellBack && <Badge tone="warn">fell back</Badge>}
        </dd>
        <dt>Attempts</dt>
        <dd>{item.attempts}</dd>
        <dt>Input tokens</dt>
        <dd>
          {formatTokens(item.input_tokens)}
          {item.cached_input_tokens > 0 && <span className="muted"> ({formatTokens(item.cached_input_tokens)} cached)</span>}
        </dd>
        <dt>Output tokens</dt>
        <dd>{formatTokens(item.output_tokens)}</dd>
        <dt>Cost</dt>
        <dd data-testid="log-detail-cost">{item.price_unknown ? 'price unknown' : formatMoney(item.cost_usd)}</dd>
        <dt>Latency</dt>
        <dd>{formatMs(item.latency_ms)}</dd>
        <dt>First token</dt>
        <dd>{formatMs(item.ttft_ms)}</dd>
        {item.error_code && (
          <>
            <dt>Error</dt>
            <dd className="field-error">
              <code>{item.error_code}</code> {item.error_message}
            </dd>
          </>
        )}
      </dl>
      {item.metadata && Object.keys(item.metadata).length > 0 && (
        <div>
          <h3>Metadata</h3>
          <pre className="pre">{JSON.stringify(item.metadata, null, 2)}</pre>
        </div>
      )}
    </div>
  );
}
