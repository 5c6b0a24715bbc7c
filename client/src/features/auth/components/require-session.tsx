import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { knownSession } from '../api/session';

/** Where a visitor sent to sign in was going, and whether a session of theirs ran out on the way. */
export interface SignInState {
  from?: string;
  ended?: boolean;
}

/**
 * The console's pages, for a browser that has a session as far as it knows. Anyone else goes
 * straight to sign-in, before any page asks the API for data it would refuse.
 */
export function RequireSession({ children }: { children: ReactNode }) {
  const location = useLocation();
  const session = knownSession();
  if (session === 'open') return children;
  const state: SignInState = { from: `${location.pathname}${location.search}`, ended: session === 'ended' };
  return <Navigate to="/sign-in" replace state={state} />;
}
