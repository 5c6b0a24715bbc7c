import { useLocation, useNavigate } from 'react-router';
import type { SignInState } from '../../features/auth/components/require-session';
import { SignInForm } from '../../features/auth/components/sign-in-form';

const DOC_LINKS = [
  { href: '/docs', label: 'Swagger UI', note: 'try every route in the browser' },
  { href: '/redoc', label: 'ReDoc', note: 'readable API reference' },
  { href: '/openapi.json', label: 'openapi.json', note: 'the OpenAPI document' },
];

export function SignInRoute() {
  const location = useLocation();
  const navigate = useNavigate();
  // where a visitor without a session was going (RequireSession, app/provider.tsx); a session that ends mid-use is signed into again over its page
  const state = (location.state ?? {}) as SignInState;
  return (
    <main className="sign-in">
      <div className="sign-in-box">
        <h1>LLMHub console</h1>
        <p className="muted">
          LLMHub is a self-hosted gateway in front of Anthropic, OpenAI and Groq. Your applications call it with their own API keys; it enforces rate limits and
          budgets, records every call with its tokens and cost, and serves versioned prompt templates.
        </p>
        <section className="card" aria-labelledby="sign-in-title">
          <h2 id="sign-in-title">Admin sign-in</h2>
          <SignInForm
            notice={state.ended ? 'Your session has ended. Sign in again to carry on.' : undefined}
            onSignedIn={() => void navigate(state.from && state.from !== '/sign-in' ? state.from : '/', { replace: true })}
          />
        </section>
        <section className="card" aria-labelledby="api-docs-title">
          <h2 id="api-docs-title">API documentation</h2>
          <ul>
            {DOC_LINKS.map((link) => (
              <li key={link.href}>
                <a href={link.href}>{link.label}</a> — {link.note}
              </li>
            ))}
          </ul>
        </section>
      </div>
    </main>
  );
}
