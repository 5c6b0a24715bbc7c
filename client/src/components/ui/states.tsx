import { useEffect, useRef, type ReactNode } from 'react';
import { isApiError, isSignInRequired } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Button } from './button';

/** What an error says to the operator: the API's own message (a 503 says the database is unavailable), else the thrown one. */
export function errorMessage(error: unknown): string {
  return isApiError(error) || error instanceof Error ? error.message : 'Something went wrong';
}

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
  return (
    <div className="state state-error" role="alert">
      <strong>Could not load this.</strong> <span>{errorMessage(error)}</span>
      {retry && (
        <Button variant="secondary" size="sm" onClick={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}

/** A failure that passes by itself: the database or the network briefly out, a 5xx. */
const passing = (error: unknown) => !isApiError(error) || error.status === 0 || error.status >= 500;
/** after a passing failure, a read is tried again this long after the last one failed (the API's Retry-After is 5 s) */
const RETRY_AFTER_MS = 5_000;

/**
 * Above what is still shown when reading it again failed: small, and in the flow of the page, so
 * nothing under it moves out of reach or loses what was typed. A passing failure is read again by
 * itself every few seconds; the notice goes once a read succeeds.
 */
export function RefreshFailed({ error, loadedAt, retry }: { error: unknown; loadedAt?: number; retry: () => void }) {
  const latestRetry = useRef(retry);
  useEffect(() => {
    latestRetry.current = retry;
  });
  useEffect(() => {
    if (!passing(error)) return;
    const timer = setTimeout(() => latestRetry.current(), RETRY_AFTER_MS);
    return () => clearTimeout(timer);
  }, [error]);
  return (
    <div className="refresh-failed" role="status">
      <span>
        <strong>Could not refresh this.</strong> {errorMessage(error)}
        {loadedAt ? ` Showing what was loaded at ${formatDateTime(new Date(loadedAt).toISOString())}.` : ' Showing what was loaded before.'}
      </span>
      <Button variant="secondary" size="sm" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}

/** What QueryState reads of a TanStack query. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  /** when data was last read (TanStack's dataUpdatedAt) */
  dataUpdatedAt?: number;
  refetch: () => unknown;
}

/**
 * Loading, error or the content: the three states every query-backed block has. Once a block has
 * data it keeps showing it, and its forms what they hold, whatever a later read meets: a 401 is
 * answered by signing in again over the page; any other failure (the database briefly out, the
 * network, a 500) by a notice above the content until a read succeeds again. Only a block with
 * nothing to show says "Could not load this".
 */
export function QueryState<T>({ query, children, empty }: { query: QueryLike<T>; children: (data: T) => ReactNode; empty?: (data: T) => ReactNode | null }) {
  const waitingForSignIn = query.isError && isSignInRequired(query.error);
  if (query.isPending || (waitingForSignIn && query.data === undefined)) return <Loading />;
  if (query.data === undefined) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const emptyView = empty?.(query.data);
  return (
    <>
      {query.isError && !waitingForSignIn && <RefreshFailed error={query.error} loadedAt={query.dataUpdatedAt} retry={() => void query.refetch()} />}
      {emptyView ?? children(query.data)}
    </>
  );
}
