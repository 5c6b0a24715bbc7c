import { CopyButton } from '../../../components/ui/copy-button';
import { formatDateTime } from '../../../lib/format';

/** A new key in full: shown this once, never again. */
export function KeyReveal({ apiKey, expiresAt, note }: { apiKey: string; expiresAt?: string | null; note?: string }) {
  return (
    <div className="key-reveal">
      <p className="warning" role="alert">
        <strong>Copy this key now.</strong> It is shown only once: LLMHub stores a hash of it and cannot show it again. If you lose it, rotate or create a new
        key.
      </p>
      <div className="key-row">
        <label htmlFor="new-api-key" className="visually-hidden">
          New API key
        </label>
        <input id="new-api-key" className="input mono" readOnly value={apiKey} onFocus={(e) => e.currentTarget.select()} data-testid="new-api-key" />
        <CopyButton text={apiKey} label="Copy key" />
      </div>
      {/* the next thing an operator is asked: where the app sends it (the console is served by the API's own origin) */}
      <p className="muted" data-testid="key-usage">
        Apps send it as <code>Authorization: Bearer &lt;key&gt;</code> (or <code>X-API-Key</code>): the OpenAI SDK with <code>baseURL</code>{' '}
        <code>{window.location.origin}/v1</code>, the Anthropic SDK with <code>{window.location.origin}</code>.
      </p>
      {note && <p className="muted">{note}</p>}
      {expiresAt && <p className="muted">Expires {formatDateTime(expiresAt)}.</p>}
    </div>
  );
}
