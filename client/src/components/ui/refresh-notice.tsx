import { createContext, useCallback, useContext, useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { errorMessage, isApiError } from '../../lib/api';
import { formatDateTime } from '../../lib/format';
import { Button } from './button';

/** A block that still shows what it loaded before, after reading it again failed. */
export interface RefreshFailure {
  error: unknown;
  /** when what it shows was loaded (TanStack's dataUpdatedAt) */
  loadedAt?: number;
  retry: () => void;
}

/** A failure that passes by itself: the database or the network briefly out, a 5xx. */
const passing = (error: unknown) => !isApiError(error) || error.status === 0 || error.status >= 500;
/** after a passing failure, a read is tried again this long after the last one failed (the API's Retry-After is 5 s) */
const RETRY_AFTER_MS = 5_000;

/**
 * Above what is still shown when reading it again failed: small, and in the flow of the page, so
 * nothing under it moves out of reach or loses what was typed.
 */
export function RefreshFailed({ failure: { error, loadedAt, retry }, subject = 'this' }: { failure: RefreshFailure; subject?: string }) {
  return (
    <div className="refresh-failed" role="status">
      <span>
        <strong>Could not refresh {subject}.</strong> {errorMessage(error)}
        {loadedAt ? ` Showing what was loaded at ${formatDateTime(new Date(loadedAt).toISOString())}.` : ' Showing what was loaded before.'}
      </span>
      <Button variant="secondary" size="sm" onClick={retry}>
        Try again
      </Button>
    </div>
  );
}

type Report = (id: string, failure: RefreshFailure | null) => void;
const ScopeContext = createContext<Report | null>(null);

/**
 * One notice for every block inside it whose refresh failed (a page's cards fail together when the
 * database is out): the first failure's reason, and the oldest of the times what is shown was loaded.
 * Try again reads every failed block again; the notice goes once they all read.
 */
export function RefreshScope({ subject, children }: { subject: string; children: ReactNode }) {
  const [failures, setFailures] = useState<ReadonlyMap<string, RefreshFailure>>(() => new Map());
  const report = useCallback<Report>(
    (id, failure) =>
      setFailures((current) => {
        if (!failure && !current.has(id)) return current;
        const next = new Map(current);
        if (failure) next.set(id, failure);
        else next.delete(id);
        return next;
      }),
    [],
  );
  const all = [...failures.values()];
  const loadedAt = all.flatMap((f) => (f.loadedAt ? [f.loadedAt] : []));
  return (
    <ScopeContext.Provider value={report}>
      {all.length > 0 && (
        <RefreshFailed
          subject={subject}
          failure={{ error: all[0].error, loadedAt: loadedAt.length ? Math.min(...loadedAt) : undefined, retry: () => all.forEach((f) => f.retry()) }}
        />
      )}
      {children}
    </ScopeContext.Provider>
  );
}

/**
 * While `failure` is set: tells the RefreshScope around the block, and after a passing failure reads
 * the block again by itself every few seconds. Returns whether a scope shows the notice (else the
 * block shows its own).
 */
export function useRefreshFailure(failure: RefreshFailure | null): boolean {
  const report = useContext(ScopeContext);
  const id = useId();
  const latestRetry = useRef(failure?.retry);
  useEffect(() => {
    latestRetry.current = failure?.retry;
  });
  const failing = failure !== null;
  const error = failure?.error;
  const loadedAt = failure?.loadedAt;
  useEffect(() => {
    if (!failing) return;
    const retry = () => latestRetry.current?.();
    report?.(id, { error, loadedAt, retry });
    const timer = passing(error) ? setTimeout(retry, RETRY_AFTER_MS) : undefined;
    return () => {
      clearTimeout(timer);
      report?.(id, null);
    };
  }, [report, id, failing, error, loadedAt]);
  return report !== null;
}
