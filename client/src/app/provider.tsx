import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Toaster, notify } from '../components/ui/toaster';
import { sessionEnded } from '../features/auth/api/session';
import { isApiError } from '../lib/api';
import { router } from './router';

/**
 * Failures are handled here, once: an expired or missing session (401) returns
 * to the sign-in page; anything else shows the API's own message. A mutation
 * whose form shows its errors at the fields sets meta.quiet.
 */
function handleError(error: unknown, quiet: boolean): void {
  if (isApiError(error) && error.status === 401) {
    const here = router.state.location;
    if (here.pathname !== '/sign-in') {
      queryClient.clear();
      // "your session has ended" only when there was one: not on a first visit
      void router.navigate('/sign-in', { replace: true, state: { from: `${here.pathname}${here.search}`, expired: sessionEnded() } });
    }
    return;
  }
  if (!quiet) notify(isApiError(error) || error instanceof Error ? error.message : 'Something went wrong', 'error');
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => handleError(error, query.meta?.quiet === true || query.state.data !== undefined) }),
  mutationCache: new MutationCache({ onError: (error, _v, _c, mutation) => handleError(error, mutation.meta?.quiet === true) }),
  defaultOptions: {
    queries: {
      // an operator expects a page to show the state of now when they open it
      staleTime: 0,
      retry: (count, error) => !(isApiError(error) && error.status > 0 && error.status < 500) && count < 2,
      refetchOnWindowFocus: true,
    },
  },
});

export function AppProvider({ children }: { children: ReactNode }) {
  return (
    <QueryClientProvider client={queryClient}>
      {children}
      <Toaster />
    </QueryClientProvider>
  );
}
