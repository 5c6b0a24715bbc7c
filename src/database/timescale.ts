import { Logger } from '@nestjs/common';

/** What these checks need of a connection: a QueryRunner, a DataSource or a pg pool adapter. */
export interface Queryable {
  query(sql: string): Promise<unknown>;
}

async function rows(runner: Queryable, sql: string): Promise<Record<string, unknown>[]> {
  return (await runner.query(sql)) as Record<string, unknown>[];
}

export const TIMESCALE_NOT_PRELOADED =
  'TimescaleDB is installed on this PostgreSQL server but not loaded, so LLMHub uses plain PostgreSQL ' +
  '(rollups and retention kept by the application). To use TimescaleDB, set ' +
  "shared_preload_libraries = 'timescaledb' in postgresql.conf, restart PostgreSQL, and give LLMHub a new database " +
  '(the choice is made when the schema is created).';

/**
 * True when TimescaleDB is installed in this database, creating the extension
 * when the server offers it and loads it. Decided at migration time: the same
 * table names exist either way, only their machinery differs.
 */
export async function ensureTimescale(runner: Queryable, logger: Pick<Logger, 'warn'> = new Logger('TimescaleDB')): Promise<boolean> {
  if (await hasTimescale(runner)) return true;
  const available = await rows(runner, `SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  if (available.length === 0) return false;
  // offered but not preloaded, CREATE EXTENSION raises FATAL and ends the connection: check first
  const [{ setting }] = await rows(runner, `SELECT current_setting('shared_preload_libraries') AS setting`);
  if (!preloadsTimescale(setting as string | null)) {
    logger.warn(TIMESCALE_NOT_PRELOADED);
    return false;
  }
  // preloaded yet still refused (no privilege to create extensions): a savepoint keeps the migration going
  await runner.query('SAVEPOINT timescale_probe');
  try {
    await runner.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await runner.query('RELEASE SAVEPOINT timescale_probe');
    return true;
  } catch (error) {
    await runner.query('ROLLBACK TO SAVEPOINT timescale_probe');
    logger.warn(`TimescaleDB could not be enabled (${(error as Error).message}); LLMHub uses plain PostgreSQL.`);
    return false;
  }
}

/** shared_preload_libraries names timescaledb (bare, versioned, quoted or as a $libdir path). */
export function preloadsTimescale(sharedPreloadLibraries: string | null | undefined): boolean {
  return (sharedPreloadLibraries ?? '')
    .split(',')
    .map((entry) => entry.trim().replace(/^"|"$/g, ''))
    .some((entry) => /(^|\/)timescaledb(-[\d.]+)?(\.so)?$/.test(entry));
}

export async function hasTimescale(runner: Queryable): Promise<boolean> {
  return (await rows(runner, `SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`)).length > 0;
}
