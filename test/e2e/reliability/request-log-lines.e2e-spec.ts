import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil } from '@test/support/poll';
import { ProviderSimulator, startProviderSimulator } from '@test/support/provider-simulator/server';
import { createClientKey, ensureServerBuilt, ServerProcess, startServer } from '@test/support/server-process';

/**
 * Request lines are written in batches (8 KB or 200 ms, whichever comes
 * first): a quiet server still writes each line shortly after its response,
 * while it keeps running — a line is never held until the next burst of traffic.
 */
describe('request lines of a running server (e2e, built server)', () => {
  let db: TestDatabase;
  let dataDir: string;
  let sim: ProviderSimulator;
  let server: ServerProcess;

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'llmhub-log-lines-'));
    sim = await startProviderSimulator();
    server = await startServer(
      { DATABASE_URL: db.url, DATA_DIR: dataDir },
      { LOG_LEVEL: 'info', MOCK_PROVIDER: 'off', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: `${sim.url}/v1` },
    );
  }, 120_000);

  afterAll(async () => {
    await server?.kill9();
    await sim?.close();
    await db?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  function lineOf(requestId: string): Record<string, unknown> | undefined {
    const line = server
      .fullOutput()
      .split('\n')
      .find((l) => l.includes(`"id":"${requestId}"`));
    return line ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  }

  it('writes the line of each call soon after its response, without a stop or more traffic', async () => {
    const { key: apiKey } = await createClientKey(server.url, { name: 'log-lines' });
    for (const [body, status] of [
      [{ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }, 200],
      [{ model: 'openai/gpt-4o-mini' }, 400],
    ] as const) {
      const res = await request(server.url).post('/v1/chat/completions').set('X-API-Key', apiKey).send(body).expect(status);
      const requestId = res.headers['x-request-id'];
      const line = await pollUntil(
        () => lineOf(requestId),
        (l) => l !== undefined,
      );
      expect(line).toMatchObject({
        level: status === 200 ? 30 : 40,
        req: { id: requestId, method: 'POST', url: '/v1/chat/completions' },
        res: { status },
        route: '/v1/chat/completions',
      });
    }
  });
});
