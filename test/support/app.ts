import { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppOptions, createApp } from '../../src/app.factory';
import { createTestDatabase, TestDatabase } from './db';

export interface TestApp {
  app: NestExpressApplication;
  /** http://127.0.0.1:PORT */
  url: string;
  db: TestDatabase;
  /** the admin token, for Authorization: Bearer on /api/admin/* */
  adminToken: string;
  close(): Promise<void>;
}

export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

/**
 * Boots the real application on a random port against a fresh database.
 * `env` is applied to process.env first (each jest file runs in its own
 * worker process); pass provider base URLs here to point them at the simulator.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}, appOptions: AppOptions = {}): Promise<TestApp> {
  const db = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-test-data-'));
  const defaults: Record<string, string> = {
    DATABASE_URL: db.url,
    DATA_DIR: dataDir,
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    LLMHUB_SECRET: 'test-secret-0123456789abcdef0123456789abcdef',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    MOCK_PROVIDER: 'on',
  };
  for (const [key, value] of Object.entries({ ...defaults, ...env })) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const app = await createApp(appOptions);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    db,
    adminToken: process.env.ADMIN_TOKEN ?? TEST_ADMIN_TOKEN,
    close: async () => {
      await app.close();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
