import { useState, type FormEvent } from 'react';
import { signIn, signOut, type SessionResult } from '../lib/admin-session';

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'ok'; text: string } | { kind: 'error'; text: string };

const DOC_LINKS = [
  { href: '/docs', label: 'Swagger UI', note: 'try every route in the browser' },
  { href: '/redoc', label: 'ReDoc', note: 'readable API reference' },
  { href: '/openapi.json', label: 'openapi.json', note: 'the OpenAPI document' },
];

export function App() {
  const [token, setToken] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  const show = (result: SessionResult, okText: string): void => {
    setStatus(result.ok ? { kind: 'ok', text: okText } : { kind: 'error', text: result.message });
  };

  const onSignIn = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setStatus({ kind: 'busy' });
    const result = await signIn(token.trim());
    // The session cookie now carries the credential; the field need not keep it.
    if (result.ok) setToken('');
    show(result, 'Signed in');
  };

  const onSignOut = async (): Promise<void> => {
    setStatus({ kind: 'busy' });
    show(await signOut(), 'Signed out');
  };

  const busy = status.kind === 'busy';

  return (
    <main className="page">
      <header>
        <h1>LLMHub console</h1>
        <p>
          LLMHub is a self-hosted gateway in front of Anthropic, OpenAI and Groq. Your applications call it with
          their own API keys; it enforces rate limits and budgets, records every call with its tokens and cost,
          and serves versioned prompt templates. Sign in with the admin token to manage it.
        </p>
      </header>

      <section aria-labelledby="sign-in-title" className="card">
        <h2 id="sign-in-title">Admin sign-in</h2>
        <form onSubmit={(e) => void onSignIn(e)}>
          <label htmlFor="admin-token">Admin token</label>
          <input
            id="admin-token"
            name="token"
            type="password"
            autoComplete="current-password"
            value={token}
            onChange={(e) => setToken(e.target.value)}
            required
          />
          <div className="actions">
            <button type="submit" disabled={busy || token.trim() === ''}>
              Sign in
            </button>
            <button type="button" className="secondary" disabled={busy} onClick={() => void onSignOut()}>
              Sign out
            </button>
          </div>
        </form>
        <p role="status" aria-live="polite" className={`status status-${status.kind}`}>
          {status.kind === 'ok' || status.kind === 'error' ? status.text : status.kind === 'busy' ? 'Working…' : ''}
        </p>
      </section>

      <section aria-labelledby="api-docs-title" className="card">
        <h2 id="api-docs-title">API documentation</h2>
        <ul>
          {DOC_LINKS.map((link) => (
            <li key={link.href}>
              <a href={link.href}>{link.label}</a> — {link.note}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
