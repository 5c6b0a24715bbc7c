import { createAdminSession, deleteAdminSession } from '@sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { data } from '../../../lib/api';

/**
 * Whether this browser signed in and has not signed out since. The session cookie is HttpOnly, so a
 * 401 alone cannot tell a session that ended from a first visit; only the former says "session ended".
 */
const SIGNED_IN = 'llmhub.console.signed-in';

function remember(signedIn: boolean): void {
  try {
    if (signedIn) localStorage.setItem(SIGNED_IN, '1');
    else localStorage.removeItem(SIGNED_IN);
  } catch {
    // storage disabled: the sign-in page then never says the session ended
  }
}

/**
 * On a 401: true when this browser had a session (it has ended), false on a first visit or after
 * signing out. Only reading, so the several queries of a page that fail together all agree.
 */
export function sessionEnded(): boolean {
  try {
    return localStorage.getItem(SIGNED_IN) === '1';
  } catch {
    return false; // storage disabled
  }
}

export function useSignIn() {
  return useMutation({
    mutationFn: (token: string) => data(createAdminSession({ body: { token }, throwOnError: true })),
    onSuccess: () => remember(true),
    // a 401 here is a wrong token, shown at the token field: not a session that needs signing in again
    meta: { quiet: true, signIn: true },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(deleteAdminSession({ throwOnError: true })),
    onSettled: () => {
      remember(false);
      queryClient.clear();
    },
  });
}
