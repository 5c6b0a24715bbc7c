import request from 'supertest';
import { pollUntil } from '@test/support/poll';
import { createClientKey, ensureServerBuilt, ServerProcess } from '@test/support/server-process';
import { SimulatedServer, startSimulatedServer } from '@test/support/simulated-server';

/**
 * Request lines are written in batches (8 KB or 200 ms, whichever comes
 * first): a quiet server still writes each line shortly after its response,
 * while it keeps running — a line is never held until the next burst of traffic.
 */
describe('request lines of a running server (e2e, built server)', () => {
  let running: SimulatedServer | undefined;
  let server: ServerProcess;

  beforeAll(async () => {
    ensureServerBuilt();
    running = await startSimulatedServer('log-lines', (simUrl) => ({
      LOG_LEVEL: 'info',
      MOCK_PROVIDER: 'off',
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${simUrl}/v1`,
    }));
    server = running.server;
  }, 120_000);

  afterAll(() => running?.close());

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
