import { DataSource, DataSourceOptions } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

/** How long a query waits for a connection (a new one, or a free one of the pool) before it fails. */
const CONNECT_TIMEOUT_MS = 10_000;

/** One definition for the app, the CLI and the tests. `synchronize` is never used. */
export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTransactionMode: 'each',
    migrationsTableName: 'llmhub_migrations',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    // a database host that drops packets would otherwise hold each caller for the OS's connect timeout (minutes)
    extra: { max: poolSize, application_name: 'llmhub', connectionTimeoutMillis: CONNECT_TIMEOUT_MS },
  };
}

const MIGRATION_LOCK = 7_461_011; // arbitrary constant: one advisory lock for all LLMHub instances

/** Runs pending migrations, one instance at a time (several may start together behind a load balancer). */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

export async function revertAllMigrations(dataSource: DataSource): Promise<number> {
  let reverted = 0;
  while ((await dataSource.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM llmhub_migrations`))[0].n > 0) {
    await dataSource.undoLastMigration({ transaction: 'each' });
    reverted++;
  }
  return reverted;
}
