import { Client } from 'pg';
import { StartupError } from '../common/startup-error';

/** How long a server that refuses connections (not started yet, or starting up) is waited for. */
const WAIT_FOR_SERVER_MS = 10_000;
const RETRY_EVERY_MS = 1_000;
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * The oldest PostgreSQL the schema can be created on: its unique indexes treat NULLs as equal
 * (`NULLS NOT DISTINCT`, new in 15). Older servers got as far as the first migration and
 * stopped there with a syntax error.
 */
export const MIN_POSTGRES = { versionNum: 150_000, name: '15' };

/** Errors that may go away by themselves: nothing listens yet, or PostgreSQL is starting up. */
const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', '57P03']);

interface PgError {
  code?: string;
  message: string;
}

export interface PreflightOptions {
  /** how long to wait for a server that refuses connections; 10 s by default */
  waitMs?: number;
  /** told once when the server is waited for */
  onWait?: (message: string) => void;
}

/**
 * Connects once to DATABASE_URL before the application starts, so that a wrong
 * URL stops the start with one message saying what is wrong and what to do,
 * instead of the framework's retries and stack traces. A server that refuses
 * connections is waited for a few seconds (it may be starting next to us).
 */
export async function assertDatabaseReachable(url: string, options: PreflightOptions = {}): Promise<void> {
  const deadline = Date.now() + (options.waitMs ?? WAIT_FOR_SERVER_MS);
  let told = false;
  for (;;) {
    const result = await tryConnect(url);
    if ('version' in result) return assertVersionSupported(url, result.version);
    const { error } = result;
    if (!TRANSIENT.has(error.code ?? '') || Date.now() + RETRY_EVERY_MS > deadline) throw new StartupError(explain(url, error));
    if (!told) options.onWait?.(`Waiting for the database at ${shown(url)} (${describe(error)})…`);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
  }
}

interface ServerVersion {
  /** server_version_num: 150020 for 15.2 */
  num: number;
  /** server_version as the server words it: "15.2 (Debian 15.2-1.pgdg120+1)" */
  text: string;
}

async function tryConnect(url: string): Promise<{ version: ServerVersion } | { error: PgError }> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, application_name: 'llmhub' });
  // a connection that fails after connecting must not become an unhandled 'error' event
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ num: string; text: string }>(
      "SELECT current_setting('server_version_num') AS num, current_setting('server_version') AS text",
    );
    return { version: { num: Number(rows[0]?.num), text: rows[0]?.text ?? 'unknown' } };
  } catch (error) {
    return { error: error instanceof Error ? error : { message: String(error) } };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A server older than MIN_POSTGRES stops the start naming both versions, before any migration fails on it. */
function assertVersionSupported(url: string, version: ServerVersion): void {
  if (!Number.isFinite(version.num) || version.num >= MIN_POSTGRES.versionNum) return;
  const found = version.text.split(' ')[0];
  throw new StartupError(
    `LLMHub cannot use the database in DATABASE_URL (${shown(url)}): ` +
      `the server is PostgreSQL ${found}, and LLMHub needs PostgreSQL ${MIN_POSTGRES.name} or later.\n` +
      `Upgrade the server (pg_upgrade, or a dump and restore), or point DATABASE_URL at a PostgreSQL ${MIN_POSTGRES.name} or later server.`,
  );
}

/** DATABASE_URL as it may be printed: without its password. */
function shown(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

function describe(error: PgError): string {
  return error.code === 'ECONNREFUSED' ? 'connection refused' : error.message;
}

function explain(url: string, error: PgError): string {
  const where = `DATABASE_URL (${shown(url)})`;
  const parsed = new URL(url);
  const host = parsed.hostname || 'localhost';
  const port = parsed.port || '5432';
  const database = decodeURIComponent(parsed.pathname.slice(1)) || parsed.username || 'postgres';
  const user = decodeURIComponent(parsed.username) || 'postgres';
  const head = `LLMHub cannot use the database in ${where}:`;
  // node-postgres words its own connect timeout without a code
  const code = error.code ?? (/timeout/i.test(error.message) ? 'ETIMEDOUT' : undefined);
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return (
        `${head} nothing answers on ${host}:${port} (${describe(error)}).\n` +
        'Start PostgreSQL there, or correct the host and port in DATABASE_URL. ' +
        'To try LLMHub without a PostgreSQL server, unset DATABASE_URL: an embedded one is started under DATA_DIR.'
      );
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${head} the host "${host}" is not known (${error.code}).\nCorrect the host name in DATABASE_URL.`;
    case '3D000':
      return (
        `${head} the database "${database}" does not exist on ${host}:${port}.\n` +
        `Create it (for example: createdb -h ${host} -p ${port} -U ${user} ${database}), or name an existing database in DATABASE_URL. ` +
        'LLMHub creates its tables itself, in an empty database.'
      );
    case '28P01':
    case '28000':
      return `${head} the server refused the user "${user}" (${error.message}).\nCorrect the user name and password in DATABASE_URL.`;
    case '57P03':
      return `${head} the server is still starting up or in recovery (${error.message}).\nStart LLMHub again once PostgreSQL accepts connections.`;
    default:
      return `${head} ${error.message}${error.code ? ` (${error.code})` : ''}.\nCheck DATABASE_URL and the PostgreSQL server it names.`;
  }
}
