import type { ReactNode } from 'react';
import { errorMessage, isSignInRequired } from '../../lib/api';
import { Button } from './button';
import { RefreshFailed, useRefreshFailure } from './refresh-notice';

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
 * network, a 500) by a notice until a read succeeds again, one for the whole page (or dialog) however
 * many of its blocks failed (RefreshScope). Only a block with nothing to show says "Could not load this".
 */
export function QueryState<T>({ query, children, empty }: { query: QueryLike<T>; children: (data: T) => ReactNode; empty?: (data: T) => ReactNode | null }) {
  const waitingForSignIn = query.isError && isSignInRequired(query.error);
  const refresh =
    query.isError && !waitingForSignIn && query.data !== undefined
      ? { error: query.error, loadedAt: query.dataUpdatedAt, retry: () => void query.refetch() }
      : null;
  const noticeShownAbove = useRefreshFailure(refresh);
  if (query.isPending || (waitingForSignIn && query.data === undefined)) return <Loading />;
  if (query.data === undefined) return <ErrorState error={query.error} retry={() => void query.refetch()} />;
  const emptyView = empty?.(query.data);
  return (
    <>
      {refresh && !noticeShownAbove && <RefreshFailed failure={refresh} />}
      {emptyView ?? children(query.data)}
    </>
  );
}
