import { TcpProxy } from '@test/integration/billing/tcp-proxy';
import { startTestApp, TestApp } from '@test/support/app';
import { adminQuery, createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil } from '@test/support/poll';

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
    const target = new URL(db.url);
    proxy = await TcpProxy.start({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(db.url);
    proxied.port = String(proxy.port);
    hub = await startTestApp({ DATABASE_URL: proxied.toString() });
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
