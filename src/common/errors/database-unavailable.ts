/**
 * Tells a database that is down or unreachable apart from every other
 * failure, so a route that needs it answers 503 `database_unavailable` (retry
 * later) rather than 500 (a fault of LLMHub's). Only errors that can come from
 * no other service count: PostgreSQL's own codes, node-postgres's own
 * messages, and a connection refused or timed out at the database's port
 * (Redis and the providers listen elsewhere, and the gateway maps provider
 * failures before they get here).
 */
export interface DatabaseEndpoint {
  /** the TCP port the server connects to, once the database is opened */
  readonly port: number | undefined;
}

export const DATABASE_ENDPOINT = Symbol('DATABASE_ENDPOINT');

/**
 * SQLSTATEs of a server that cannot serve: class 08 (connection exception) is matched by prefix.
 * The server sends 3D000 and class 28 only when a connection is opened, so they too say "not reachable
 * now", not "this request is wrong": the database was renamed, dropped or not restored yet, or the
 * server no longer accepts LLMHub's role or password (pg_hba.conf, a rotated password).
 */
const SERVER_GONE_CODES: ReadonlySet<string> = new Set([
  '57P01', // admin_shutdown: the server is stopping, or the connection was terminated
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or in recovery
  '53300', // too_many_connections
  '3D000', // invalid_catalog_name: the database does not exist (any more)
  '28000', // invalid_authorization_specification: no pg_hba.conf entry, the role does not exist
  '28P01', // invalid_password
]);

/** node-postgres and pg-pool word a lost or impossible connection in exactly these ways. */
const DRIVER_MESSAGES: ReadonlySet<string> = new Set([
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
]);

const SOCKET_FAILURES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  syscall?: unknown;
  port?: unknown;
  message?: unknown;
  driverError?: unknown;
}

function isGone(error: ErrorFields, port: number | undefined): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  // `severity` is set only on errors the PostgreSQL server sent
  if (code !== undefined && typeof error.severity === 'string' && (code.startsWith('08') || SERVER_GONE_CODES.has(code))) return true;
  if (typeof error.message === 'string' && DRIVER_MESSAGES.has(error.message)) return true;
  return port !== undefined && error.syscall === 'connect' && error.port === port && code !== undefined && SOCKET_FAILURES.has(code);
}

/** Whether `exception` (or the driver error a TypeORM QueryFailedError wraps) says the database is out of reach. */
export function isDatabaseUnavailable(exception: unknown, endpoint: DatabaseEndpoint | undefined): boolean {
  if (typeof exception !== 'object' || exception === null) return false;
  const error = exception as ErrorFields;
  if (isGone(error, endpoint?.port)) return true;
  const driverError = error.driverError;
  return typeof driverError === 'object' && driverError !== null && isGone(driverError, endpoint?.port);
}

/** The port a postgres:// URL connects to (5432 when it names none); undefined when it cannot be read. */
export function portOfDatabaseUrl(url: string): number | undefined {
  try {
    const parsed = new URL(url);
    return parsed.port === '' ? 5432 : Number(parsed.port);
  } catch {
    return undefined;
  }
}
