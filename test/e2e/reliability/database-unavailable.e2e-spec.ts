import OpenAI from 'openai';
import { Client } from 'pg';
import { createApiClient, createApiKey, createLlmHubClient } from '../../../sdk/src';
import { TcpProxy } from '@test/integration/billing/tcp-proxy';
import { startTestApp, TestApp } from '@test/support/app';
import { adminQuery, createTestDatabase, TestDatabase } from '@test/support/db';
import { simulatedProviders } from '@test/support/gateway';
import { pollUntil, waitUntil } from '@test/support/poll';
import { ProviderSimulator, startProviderSimulator } from '@test/support/provider-simulator/server';

jest.setTimeout(60_000);

/** Renames a database the app is connected to: its sessions are ended until none reconnects before the rename. */
async function renameDatabase(url: string, from: string, to: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await adminQuery(url, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${from}' AND pid <> pg_backend_pid()`);
    try {
      await adminQuery(url, `ALTER DATABASE "${from}" RENAME TO "${to}"`);
      return;
    } catch (error) {
      if (attempt >= 20) throw error;
    }
  }
}

/**
 * While the database is out of reach, the routes that need it say so with a
 * 503 the caller can retry (Retry-After), in their route's error shape, and
 * answer normally once it is back: an outage is not a 500, a fault of LLMHub's.
 */
describe('routes that need the database, while it is unreachable (e2e)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let hub: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDatabase();
    let url: string;
    ({ proxy, url } = await TcpProxy.inFrontOf(db.url));
    hub = await startTestApp({ DATABASE_URL: url });
    admin = { Authorization: `Bearer ${hub.adminToken}`, 'content-type': 'application/json' };
  });

  afterAll(async () => {
    await proxy?.up();
    await hub?.close();
    await proxy?.down();
    await db?.drop();
  });

  it('answers 503 database_unavailable with Retry-After, then serves again once it is back', async () => {
    const created = await fetch(`${hub.url}/api/admin/clients`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'before-outage' }) });
    expect(created.status).toBe(201);

    await proxy.down();

    const list = await fetch(`${hub.url}/api/admin/clients`, { headers: admin });
    expect(list.status).toBe(503);
    expect(list.headers.get('retry-after')).toBe('5');
    const listBody = (await list.json()) as { error: { code: string; message: string }; request_id: string };
    expect(listBody.error.code).toBe('database_unavailable');
    expect(listBody.error.message).toMatch(/database is unreachable/);

    const create = await fetch(`${hub.url}/api/admin/clients`, { method: 'POST', headers: admin, body: JSON.stringify({ name: 'during-outage' }) });
    expect(create.status).toBe(503);

    // a key the gateway has not seen yet must be looked up: OpenAI's error shape, the same code
    const call = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer lh_${'a'.repeat(43)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(call.status).toBe(503);
    expect(call.headers.get('retry-after')).toBe('5');
    const callBody = (await call.json()) as { error: { code: string; type: string } };
    expect(callBody.error.code).toBe('database_unavailable');

    await proxy.up();
    const back = await pollUntil(
      () =>
        fetch(`${hub.url}/api/admin/clients`, { headers: admin }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { items: { name: string }[] },
        })),
      (r) => r.status === 200,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    // the refused create left nothing behind
    expect(back.body.items.map((c) => c.name)).toEqual(['before-outage']);
  });
});

/**
 * A database renamed or dropped under a running instance (a restore into a
 * new name, a maintenance window) refuses each new connection with its own
 * SQLSTATE (3D000), not a connection error: the routes that need it still say
 * 503 database_unavailable, not 500.
 */
describe('routes that need the database, while its database does not exist (e2e)', () => {
  let hub: TestApp;
  let name: string;
  let renamed = false;

  beforeAll(async () => {
    hub = await startTestApp();
    name = new URL(hub.db.url).pathname.slice(1);
  });

  afterAll(async () => {
    if (renamed) await renameDatabase(hub.db.url, `${name}_gone`, name);
    await hub?.close();
  });

  it('answers 503 database_unavailable with Retry-After, then serves again once it is back', async () => {
    const admin = { Authorization: `Bearer ${hub.adminToken}`, 'content-type': 'application/json' };
    expect((await fetch(`${hub.url}/api/admin/clients`, { headers: admin })).status).toBe(200);

    await renameDatabase(hub.db.url, name, `${name}_gone`);
    renamed = true;

    const list = await fetch(`${hub.url}/api/admin/clients`, { headers: admin });
    expect(list.status).toBe(503);
    expect(list.headers.get('retry-after')).toBe('5');
    expect(((await list.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');

    const call = await fetch(`${hub.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { Authorization: `Bearer lh_${'b'.repeat(43)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock/echo', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(call.status).toBe(503);
    expect(call.headers.get('retry-after')).toBe('5');
    expect(((await call.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');

    await renameDatabase(hub.db.url, `${name}_gone`, name);
    renamed = false;
    await pollUntil(
      () => fetch(`${hub.url}/api/admin/clients`, { headers: admin }).then((r) => r.status),
      (status) => status === 200,
      { timeoutMs: 20_000, intervalMs: 200 },
    );
  });
});

/**
 * Calls already under way when the database goes away, and calls made while it
 * is gone (their key cached): each is answered in full, and its one record
 * reaches the database once it is back, with the tokens the client was told.
 */
describe('calls in flight while the database goes away and comes back (e2e)', () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let sim: ProviderSimulator;
  let hub: TestApp;
  let pg: Client;
  let openai: OpenAI;

  beforeAll(async () => {
    db = await createTestDatabase();
    let url: string;
    ({ proxy, url } = await TcpProxy.inFrontOf(db.url));
    sim = await startProviderSimulator();
    hub = await startTestApp({ ...simulatedProviders(sim.url), DATABASE_URL: url });
    const admin = createLlmHubClient({ baseUrl: hub.url, adminToken: hub.adminToken });
    const client = await createApiClient({ client: admin, body: { name: 'in-flight' }, throwOnError: true });
    const key = await createApiKey({ client: admin, path: { id: client.data.id }, body: { name: 'k' }, throwOnError: true });
    openai = new OpenAI({ baseURL: `${hub.url}/v1`, apiKey: key.data.key, maxRetries: 0 });
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg?.end();
    await proxy?.up();
    await hub?.close();
    await proxy?.down();
    await sim?.close();
    await db?.drop();
  });

  const slow = (words: number) => `slow [[sim:output_tokens=${words};chunks=${words};chunk_delay_ms=40]]`;

  it('answers them in full and stores each record exactly once after the database is back', async () => {
    // a first call looks the key up (and caches it)
    await openai.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

    const { data: before, response: beforeResponse } = await openai.chat.completions
      .create({ model: 'openai/gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: slow(20) }] })
      .withResponse();
    const beforeChunks = before[Symbol.asyncIterator]();
    expect((await beforeChunks.next()).done).toBe(false);

    await proxy.down();

    // made during the outage: a whole answer, and a stream the client leaves
    const { data: during, response: duringResponse } = await openai.chat.completions
      .create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'during' }] })
      .withResponse();
    const abort = new AbortController();
    const { data: left, response: leftResponse } = await openai.chat.completions
      .create({ model: 'openai/gpt-4o-mini', stream: true, messages: [{ role: 'user', content: slow(40) }] }, { signal: abort.signal })
      .withResponse();
    let leftChunks = 0;
    await (async () => {
      for await (const _chunk of left) if (++leftChunks === 3) abort.abort();
    })().catch(() => undefined);

    // the stream opened before the outage ends normally, with its usage
    let usage: OpenAI.CompletionUsage | undefined;
    let text = '';
    for (let next = await beforeChunks.next(); !next.done; next = await beforeChunks.next()) {
      usage = next.value.usage ?? usage;
      text += next.value.choices[0]?.delta.content ?? '';
    }
    expect(text.trim().split(' ')).toHaveLength(20);
    expect(usage?.completion_tokens).toBe(20);

    await proxy.up();
    const ids = [beforeResponse, duringResponse, leftResponse].map((r) => r.headers.get('x-request-id')!);
    const rowsOf = async () =>
      (await pg.query('SELECT id::text, status, error_code, input_tokens, output_tokens FROM llm_generation_log WHERE id = ANY($1::uuid[])', [ids])).rows;
    await waitUntil(async () => (await rowsOf()).length === 3, 'the spooled records are replayed', { timeoutMs: 20_000, intervalMs: 100 });
    const byId = new Map((await rowsOf()).map((r) => [r.id, r]));
    expect(byId.get(ids[0])).toMatchObject({ status: 'success', input_tokens: usage!.prompt_tokens, output_tokens: 20 });
    expect(byId.get(ids[1])).toMatchObject({ status: 'success', input_tokens: during.usage!.prompt_tokens, output_tokens: during.usage!.completion_tokens });
    expect(byId.get(ids[2])).toMatchObject({ status: 'cancelled', error_code: 'client_closed_request' });
    // the spool is empty again, nothing left to replay twice
    const spool = await pollUntil(
      async () => (await (await fetch(`${hub.url}/metrics`)).text()).match(/^llmhub_usage_spool_bytes (\d+)/m)?.[1],
      (bytes) => bytes === '0',
    );
    expect(spool).toBe('0');
  });
});
