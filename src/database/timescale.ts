import { QueryRunner } from 'typeorm';

/**
 * True when TimescaleDB is installed in this database, creating the extension
 * when the server offers it. Decided at migration time: the same
 * table names exist either way, only their machinery differs.
 */
export async function ensureTimescale(runner: QueryRunner): Promise<boolean> {
  if (await hasTimescale(runner)) return true;
  const available = await runner.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`);
  if (available.length === 0) return false;
  // the extension can be listed yet not loadable (missing shared_preload_libraries): try it in a savepoint
  await runner.query('SAVEPOINT timescale_probe');
  try {
    await runner.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await runner.query('RELEASE SAVEPOINT timescale_probe');
    return true;
  } catch {
    await runner.query('ROLLBACK TO SAVEPOINT timescale_probe');
    return false;
  }
}

export async function hasTimescale(runner: Pick<QueryRunner, 'query'>): Promise<boolean> {
  const rows = await runner.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows.length > 0;
}
