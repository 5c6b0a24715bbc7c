/**
 * A provider that never stops sending (a broken or hostile upstream): the gateway stops reading at its
 * limits (a whole answer: 128 MiB; one event of a stream: 16 MiB), closes that connection, and answers
 * the documented upstream error, or ends a stream that had started with its error event, and records
 * the call once, as an error. Nothing it sent is held on to.
 */
import type { Client } from 'pg';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';
import { pollUntil } from '@test/support/poll';
import { parseSse } from '@test/support/sse';

interface Case {
  name: string;
  path: string;
  stream: boolean;
  body: Record<string, unknown>;
}

const FLOOD = 'Tell me about the sea [[sim:fault=flood]]';

const CASES: Case[] = [
  { name: 'OpenAI chat', path: '/v1/chat/completions', stream: false, body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: FLOOD }] } },
  {
    name: 'OpenAI chat stream',
    path: '/v1/chat/completions',
    stream: true,
    body: { model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: FLOOD }] },
  },
  {
    name: 'Anthropic messages',
    path: '/v1/messages',
    stream: false,
    body: { model: 'anthropic/claude-haiku-4-5', max_tokens: 16, messages: [{ role: 'user', content: FLOOD }] },
  },
  {
    name: 'Anthropic messages stream',
    path: '/v1/messages',
    stream: true,
    body: { model: 'anthropic/claude-haiku-4-5', max_tokens: 16, stream: true, messages: [{ role: 'user', content: FLOOD }] },
  },
  { name: 'OpenAI embeddings', path: '/v1/embeddings', stream: false, body: { model: 'openai/text-embedding-3-small', input: FLOOD } },
];

describe('a provider answer that never ends', () => {
  let gateway: GatewayFixture;
  let db: Client;

  beforeAll(async () => {
    gateway = await startGatewayFixture({
      clientName: 'oversized',
      env: () => ({ MOCK_PROVIDER: 'off', PROVIDER_MAX_RETRIES: '0' }),
    });
    db = gateway.db;
  }, 60_000);

  afterAll(async () => {
    await gateway?.close();
  });

  beforeEach(() => gateway.resetBetweenTests());

  it.each(CASES)('$name: stops reading, closes the connection, answers the upstream error and records it', async ({ path, stream, body }) => {
    const res = await fetch(`${gateway.app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(60_000),
    });
    const requestId = res.headers.get('x-request-id')!;
    const text = await res.text();
    if (stream) {
      // the first events went out as they came; the event that never ends is where the stream fails
      expect(res.status).toBe(200);
      const events = parseSse(text);
      expect(events.length).toBeGreaterThan(1);
      expect(text).toContain('upstream_error');
      expect(text).toMatch(/larger than 16 MiB/);
      expect(text).not.toContain('xxxxxxxx');
    } else {
      expect(res.status).toBe(502);
      expect(JSON.parse(text)).toMatchObject({ request_id: requestId });
      expect(text).toContain('upstream_error');
      expect(text).toMatch(/larger than 128 MiB/);
      expect(text.length).toBeLessThan(2_000);
    }

    // the gateway closed the connection the provider kept writing to
    const open = await pollUntil(
      () => gateway.sim.requests.filter((r) => !r.aborted).length,
      (n) => n === 0,
    );
    expect(open).toBe(0);

    const row = await pollUntil(
      async () => (await db.query('SELECT status, error_code, attempts FROM llm_generation_log WHERE id = $1', [requestId])).rows,
      (rows) => rows.length > 0,
    );
    expect(row).toEqual([{ status: 'error', error_code: 'upstream_error', attempts: 1 }]);
  });
});
