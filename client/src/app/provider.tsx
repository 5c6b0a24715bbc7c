import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Toaster, notify } from '../components/ui/toaster';
import { client } from '@sdk';
import { knownSession, sessionEnded } from '../features/auth/api/session';
import { SignInAgainDialog, askToSignInAgain } from '../features/auth/components/sign-in-again-dialog';
import { ApiError, isApiError, isSignInRequired } from '../lib/api';
import { router } from './router';

/**
 * A call made once this browser's session has run out (a page's refresh timer, a save) is not sent:
 * it fails here as the API's 401 would, and is handled the same way (the sign-in dialog), without a
 * refused request in the browser's console. Signing in (and out) still goes to the API.
 */
client.interceptors.request.use((request) => {
  if (knownSession() === 'ended' && new URL(request.url).pathname !== '/api/admin/session') {
    throw new ApiError(401, 'unauthorized', 'Your session has ended. Sign in again to carry on.', [], null);
  }
  return request;
});

/**
 * Failures are handled here, once. A 401 means the admin session is missing or has ended: when this
 * browser was signed in, a sign-in dialog opens over the page, which stays mounted with whatever the
 * operator typed (a refused save is theirs to press again); on a first visit, or after signing out,
 * the sign-in page. Anything else shows the API's own message. A mutation whose form shows its errors
 * at the fields sets meta.quiet; the sign-in itself (meta.signIn) answers a wrong token at its field.
 */
function handleError(error: unknown, quiet: boolean, change: boolean): void {
  if (isSignInRequired(error)) {
    const here = router.state.location;
    if (here.pathname === '/sign-in') return;
    if (sessionEnded()) {
      askToSignInAgain(change);
      return;
    }
    queryClient.clear();
    void router.navigate('/sign-in', { replace: true, state: { from: `${here.pathname}${here.search}` } });
    return;
  }
  if (!quiet) notify(isApiError(error) || error instanceof Error ? error.message : 'Something went wrong', 'error');
}

export const queryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (error, query) => handleError(error, query.meta?.quiet === true || query.state.data !== undefined, false) }),
  mutationCache: new MutationCache({
    onError: (error, _v, _c, mutation) => {
      if (mutation.meta?.signIn !== true) handleError(error, mutation.meta?.quiet === true, true);
    },
  }),
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
      <SignInAgainDialog />
      <Toaster />
    </QueryClientProvider>
  );
}
