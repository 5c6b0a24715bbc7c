import { NavLink, Outlet, useNavigate } from 'react-router';
import type { ReactNode } from 'react';
import { Button } from '../ui/button';
import { RefreshScope } from '../ui/refresh-notice';
import { UnsavedChangesGuard } from './unsaved-changes-guard';

const NAV = [
  { to: '/', label: 'Dashboard', end: true },
  { to: '/providers', label: 'Providers' },
  { to: '/clients', label: 'API clients' },
  { to: '/templates', label: 'Templates' },
  { to: '/billing', label: 'Billing' },
  { to: '/logs', label: 'Logs' },
];

/** Sidebar layout (a top bar on narrow screens); sign-out is the caller's, so the shell stays feature-free. */
export function AppShell({ signOut }: { signOut: ReactNode }) {
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">LLMHub</div>
        <nav aria-label="Console">
          <ul>
            {NAV.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to} end={item.end}>
                  {item.label}
                </NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="sidebar-foot">{signOut}</div>
      </aside>
      <main id="main" className="content" tabIndex={-1}>
        <RefreshScope subject="this page">
          <Outlet />
        </RefreshScope>
      </main>
      <UnsavedChangesGuard />
    </div>
  );
}

export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <Button variant="ghost" size="sm" onClick={() => void navigate(to)}>
      ← {children}
    </Button>
  );
}
