import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { TEMPLATE_ENV, withDatabase } from './db';

export default async function globalTeardown(): Promise<void> {
  const templateUrl = process.env[TEMPLATE_ENV];
  if (templateUrl) {
    const name = new URL(templateUrl).pathname.slice(1);
    const client = new Client({ connectionString: withDatabase(templateUrl, 'postgres') });
    await client.connect();
    try {
      // clones left by a crashed test file go too
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${name}%`]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  await globalThis.__LLMHUB_EMBEDDED__?.stop();
  // a throwaway server's files (about 60 MB) must not pile up in the temp directory run after run
  if (globalThis.__LLMHUB_EMBEDDED_DIR__) rmSync(globalThis.__LLMHUB_EMBEDDED_DIR__, { recursive: true, force: true });
}
