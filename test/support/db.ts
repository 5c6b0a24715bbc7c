import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The database each test file clones: migrated once by the global setup. */
export const TEMPLATE_ENV = 'LLMHUB_TEST_TEMPLATE_URL';

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, fully migrated database for one test file, cloned from the template
 * (fast, and isolates files running in parallel).
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const templateUrl = process.env[TEMPLATE_ENV];
  if (!templateUrl) throw new Error(`${TEMPLATE_ENV} is not set: run tests through jest (test/support/global-setup.ts)`);
  const template = new URL(templateUrl).pathname.slice(1);
  const name = `${template}_${randomBytes(4).toString('hex')}`;
  await adminQuery(templateUrl, `CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  const url = withDatabase(templateUrl, name);
  return {
    url,
    drop: () => adminQuery(templateUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
