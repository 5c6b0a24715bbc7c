import { createBrowserRouter } from 'react-router';
import { AppShell } from '../components/layout/app-shell';
import { RequireSession } from '../features/auth/components/require-session';
import { SignOutButton } from '../features/auth/components/sign-out-button';
import { BillingRoute } from './routes/billing';
import { ClientDetailRoute } from './routes/client-detail';
import { DashboardRoute } from './routes/dashboard';
import { ClientsRoute } from './routes/clients';
import { LogsRoute } from './routes/logs';
import { NotFoundRoute } from './routes/not-found';
import { ProvidersRoute } from './routes/providers';
import { SignInRoute } from './routes/sign-in';
import { TemplateDetailRoute } from './routes/template-detail';
import { TemplatesRoute } from './routes/templates';

export const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInRoute /> },
  {
    element: (
      <RequireSession>
        <AppShell signOut={<SignOutButton />} />
      </RequireSession>
    ),
    children: [
      { index: true, element: <DashboardRoute /> },
      { path: 'providers', element: <ProvidersRoute /> },
      { path: 'clients', element: <ClientsRoute /> },
      { path: 'clients/:id', element: <ClientDetailRoute /> },
      { path: 'templates', element: <TemplatesRoute /> },
      { path: 'templates/:id', element: <TemplateDetailRoute /> },
      { path: 'billing', element: <BillingRoute /> },
      { path: 'logs', element: <LogsRoute /> },
      { path: '*', element: <NotFoundRoute /> },
    ],
  },
]);
