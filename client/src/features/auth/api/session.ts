import { createAdminSession, deleteAdminSession } from '@sdk';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { data } from '../../../lib/api';

/**
 * Whether this browser signed in and has not signed out since, and until when (the session's
 * expires_at: sessions do not slide). The session cookie is HttpOnly, so the page cannot see it: this
 * lets a first visit, or a return after the session ran out, go to sign-in without asking the API
 * first (a refused request shows as an error in the browser's console), and lets a 401 tell a
 * session that ended from a first visit.
 */
const SIGNED_IN = 'llmhub.console.signed-in';

function remember(expiresAt: string | null): void {
  try {
    if (expiresAt) localStorage.setItem(SIGNED_IN, expiresAt);
    else localStorage.removeItem(SIGNED_IN);
  } catch {
    // storage disabled: every visit then starts at sign-in, which never says the session ended
  }
}

function remembered(): string | null {
  try {
    return localStorage.getItem(SIGNED_IN);
  } catch {
    return null; // storage disabled
  }
}

/**
 * What this browser knows of its session without asking the API: none (a first visit, or signed
 * out), ended (its expiry has passed), or open (the API has the last word: it may have ended early).
 */
export type KnownSession = 'none' | 'ended' | 'open';

export function knownSession(now = Date.now()): KnownSession {
  const value = remembered();
  if (value === null) return 'none';
  const expiresAt = Date.parse(value);
  // an expiry that cannot be read (stored by an older console) leaves it to the API
  return Number.isNaN(expiresAt) || expiresAt > now ? 'open' : 'ended';
}

/**
 * On a 401: true when this browser had a session (it has ended), false on a first visit or after
 * signing out. Only reading, so the several queries of a page that fail together all agree.
 */
export function sessionEnded(): boolean {
  return remembered() !== null;
}

export function useSignIn() {
  return useMutation({
    mutationFn: async (token: string) => {
      const { data: session, response } = await createAdminSession({ body: { token }, throwOnError: true });
      return { session, lifetimeMs: Date.parse(session.expires_at) - Date.parse(response.headers.get('Date') ?? '') };
    },
    // kept on this browser's clock, as the cookie's Max-Age is: a clock that is off does not end the session early
    onSuccess: ({ session, lifetimeMs }) => remember(Number.isNaN(lifetimeMs) ? session.expires_at : new Date(Date.now() + lifetimeMs).toISOString()),
    // a 401 here is a wrong token, shown at the token field: not a session that needs signing in again
    meta: { quiet: true, signIn: true },
  });
}

export function useSignOut() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => data(deleteAdminSession({ throwOnError: true })),
    // only once the server has ended the session: the page cannot clear its HttpOnly cookie, so a
    // sign-out that did not reach the server leaves this browser signed in, and the button says so
    onSuccess: () => {
      remember(null);
      queryClient.clear();
    },
    meta: { quiet: true },
  });
}
