import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, runMigrations } from '../../src/database/data-source';
import { EmbeddedDatabase } from '../../src/database/embedded-database';
import { adminQuery, TEMPLATE_ENV, withDatabase } from './db';
import { freePort, PORT_TAKEN, retryOnTakenPort } from './net';
import { ensureServerBuilt } from './server-process';

declare global {
  var __LLMHUB_EMBEDDED__: EmbeddedDatabase | undefined;
  /** the embedded server's data directory, removed by the teardown */
  var __LLMHUB_EMBEDDED_DIR__: string | undefined;
}

/**
 * A fresh database for this run: on DATABASE_URL's server when set, otherwise on
 * a throwaway embedded PostgreSQL. Migrated once; test files clone it.
 */
export default async function globalSetup(): Promise<void> {
  // tests that spawn the real server (kill -9, CLI) need dist/: built here once, only when stale
  ensureServerBuilt();
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-test-pg-'));
    globalThis.__LLMHUB_EMBEDDED_DIR__ = dataDir;
    // a start that lost its port to another program is made again on another port, in the same (initialised) folder
    const started = await retryOnTakenPort(
      async () => EmbeddedDatabase.start({ dataDir, port: await freePort() }).catch((error: Error) => error),
      (outcome) => outcome instanceof Error && outcome.message.includes(PORT_TAKEN.postgres),
    );
    if (started instanceof Error) throw started;
    globalThis.__LLMHUB_EMBEDDED__ = started;
    serverUrl = started.adminUrl;
  }
  const name = `llmhub_test_${Date.now()}_${process.pid}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}"`);
  const templateUrl = withDatabase(serverUrl, name);
  const dataSource = await new DataSource(dataSourceOptions(templateUrl, 2)).initialize();
  try {
    await runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env[TEMPLATE_ENV] = templateUrl;
}
