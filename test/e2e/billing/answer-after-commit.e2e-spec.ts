import { Client } from 'pg';
import { startGatewayFixture, type GatewayFixture } from '@test/support/gateway';
import { waitUntil } from '@test/support/poll';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A call's answer leaves only once its record is committed: with the log table
 * locked, the insert waits, and so does the client, on every non-streamed
 * compatible route. When the lock goes, the answer arrives and its row is there.
 */
describe('a call is answered only after its record is committed', () => {
  let gw: GatewayFixture;
  let locker: Client;

  beforeAll(async () => {
    gw = await startGatewayFixture({ clientName: 'answer-after-commit' });
    locker = new Client({ connectionString: gw.app.db.url });
    await locker.connect();
  });

  afterAll(async () => {
    await locker?.end();
    await gw?.close();
  });

  /** The gateway's insert into the log, waiting for the lock. */
  async function insertWaiting(): Promise<boolean> {
    const { rows } = await gw.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'INSERT INTO llm_generation_log%'`,
    );
    return rows[0].n > 0;
  }

  const calls: Array<[string, string, Record<string, unknown>]> = [
    ['/v1/chat/completions', 'openai/gpt-4o-mini', { messages: [{ role: 'user', content: 'hello' }], max_tokens: 8 }],
    ['/v1/messages', 'anthropic/claude-3-5-haiku-20241022', { messages: [{ role: 'user', content: 'hello' }], max_tokens: 8 }],
    ['/v1/responses', 'openai/gpt-4o-mini', { input: 'hello', max_output_tokens: 16 }],
  ];

  it.each(calls)('%s waits for its record', async (path, model, body) => {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE llm_generation_log IN ACCESS EXCLUSIVE MODE');
    let answered = false;
    const answer = fetch(`${gw.app.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${gw.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, ...body }),
    }).then(async (response) => {
      answered = true;
      return { status: response.status, requestId: response.headers.get('x-request-id'), body: await response.text() };
    });
    try {
      await waitUntil(insertWaiting, 'the insert waits for the lock', { timeoutMs: 15_000 });
      // the record cannot commit: whatever the gateway does meanwhile, no answer may leave
      await sleep(300);
      expect(answered).toBe(false);
    } finally {
      await locker.query('ROLLBACK');
    }
    const { status, requestId, body: text } = await answer;
    expect({ status, text }).toEqual({ status: 200, text: expect.any(String) });
    const { rows } = await gw.db.query<{ status: string }>('SELECT status FROM llm_generation_log WHERE id = $1', [requestId]);
    expect(rows).toEqual([{ status: 'success' }]);
  });
});
