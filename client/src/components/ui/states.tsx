import type { ReactNode } from 'react';
import { isApiError, isSignInRequired } from '../../lib/api';
import { Button } from './button';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div>{children}</div>}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const message = isApiError(error) ? error.message : error instanceof Error ? error.message : 'Something went wrong';
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load this.</strong> <span>{message}</span>
      {retry && (
        <Button variant="secondary" size="sm" onClick={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** What QueryState reads of a TanStack query. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
}

/** Loading, error or the content: the three states every query-backed block has. */
export function QueryState<T>({ query, children, empty }: { query: QueryLike<T>; children: (data: T) => ReactNode; empty?: (data: T) => ReactNode | null }) {
  // a 401 is answered by signing in again over the page: meanwhile the page keeps what it shows, and its forms what they hold
  const waitingForSignIn = query.isError && isSignInRequired(query.error);
  if (query.isPending || (waitingForSignIn && query.data === undefined)) return <Loading />;
  if ((query.isError && !waitingForSignIn) || query.data === undefined) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const emptyView = empty?.(query.data);
  return <>{emptyView ?? children(query.data)}</>;
}
