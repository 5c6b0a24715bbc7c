import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEMPLATE_ENV, TestDatabase, withDatabase } from '@test/support/db';
import { startFakePostgres } from '@test/support/fake-postgres';
import { freePort, PORT_TAKEN, retryOnTakenPort } from '@test/support/net';
import { ensureServerBuilt, startServer } from '@test/support/server-process';
import { runDistScript, startDistScript, type DistRun as Run } from '@test/support/dist-script';

/** Runs dist/src/<script> like runDistScript, until its stdout matches `ready`; then stops it (SIGTERM) and resolves. */
async function runUntil(script: string, env: Record<string, string>, ready: RegExp): Promise<Run> {
  const started = startDistScript(script, [], env, 60_000);
  started.child.stdout!.on('data', () => {
    if (ready.test(started.output().stdout)) started.child.kill('SIGTERM');
  });
  const { status } = await started.exited;
  return { status, ...started.output() };
}

const run = runDistScript;

/** The message alone: no framework retry lines, no stack trace, no driver error dump. */
function expectMessageAlone(result: Run): void {
  expect(result.status).toBe(1);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\[Nest\]|ExceptionHandler|Retrying|severity:/);
}

/** A port taken on 127.0.0.1 until the server is closed: the OS picks it as it listens, so nobody can take it first. */
function holdPort(): Promise<{ holder: Server; port: number }> {
  return new Promise((resolve, reject) => {
    const holder = createServer();
    holder.once('error', reject);
    holder.listen(0, '127.0.0.1', () => resolve({ holder, port: (holder.address() as AddressInfo).port }));
  });
}

/** Whether a start stopped only because its PORT, free a moment before, was taken by another program first. */
function lostItsPort(result: Run): boolean {
  return result.status === 1 && result.stderr.includes(PORT_TAKEN.llmhub);
}

/**
 * What a user gets wrong on the first start: a DATABASE_URL naming a database,
 * user, host or port that is not there, or a port already taken. Each stops the
 * start with one message saying what is wrong and what to do (it used to be 25 s
 * of framework retries, then a stack trace and the driver's error object).
 */
describe('start-up problems the operator must fix', () => {
  let serverUrl: string;
  let db: TestDatabase;
  const held: Server[] = [];

  beforeAll(async () => {
    ensureServerBuilt();
    serverUrl = process.env[TEMPLATE_ENV]!;
    db = await createTestDatabase();
  }, 180_000);

  afterAll(async () => {
    for (const server of held) server.close();
    await db?.drop();
  });

  it('a DATABASE_URL naming a database that does not exist: says so, and how to create it', async () => {
    const url = withDatabase(serverUrl, 'llmhub_no_such_database');
    const result = await run('main.js', [], { DATABASE_URL: url, PORT: '0' });
    expectMessageAlone(result);
    expect(result.stderr).toContain('the database "llmhub_no_such_database" does not exist');
    expect(result.stderr).toMatch(/createdb .* llmhub_no_such_database/);
  });

  it('the CLI says the same', async () => {
    const url = withDatabase(serverUrl, 'llmhub_no_such_database');
    const result = await run('cli.js', ['migrate'], { DATABASE_URL: url });
    expectMessageAlone(result);
    expect(result.stderr).toContain('the database "llmhub_no_such_database" does not exist');
  });

  it('a user the server refuses: names the user, never prints the password', async () => {
    const url = new URL(serverUrl);
    url.username = 'llmhub_no_such_role';
    url.password = 'not-the-password';
    const result = await run('main.js', [], { DATABASE_URL: url.toString(), PORT: '0' });
    expectMessageAlone(result);
    expect(result.stderr).toContain('the server refused the user "llmhub_no_such_role"');
    expect(result.stderr).toContain('Correct the user name and password in DATABASE_URL');
    expect(result.stderr).not.toContain('not-the-password');
  });

  it('a PostgreSQL older than 15: names the version found and the one needed, in the server and the CLI', async () => {
    const old = await startFakePostgres('14.11');
    try {
      // it used to get as far as the first migration, and stop there on a syntax error near "NULLS"
      for (const [script, args] of [
        ['main.js', []],
        ['cli.js', ['migrate']],
      ] as const) {
        const result = await run(script, [...args], { DATABASE_URL: old.url, PORT: '0' });
        expectMessageAlone(result);
        expect(result.stderr).toContain('the server is PostgreSQL 14.11, and LLMHub needs PostgreSQL 15 or later');
        expect(result.stderr).toContain('point DATABASE_URL at a PostgreSQL 15 or later server');
      }
    } finally {
      await old.close();
    }
  });

  it('a host that does not exist', async () => {
    const result = await run('main.js', [], { DATABASE_URL: 'postgres://postgres@no-such-host.invalid:5432/llmhub', PORT: '0' });
    expectMessageAlone(result);
    expect(result.stderr).toContain('the host "no-such-host.invalid" is not known');
  });

  it('a port where nothing listens: waits a few seconds, then says what to do', async () => {
    const port = await freePort();
    const result = await run('main.js', [], { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/llmhub`, PORT: '0' });
    expectMessageAlone(result);
    expect(result.stderr).toContain(`Waiting for the database at postgres://postgres@127.0.0.1:${port}/llmhub`);
    expect(result.stderr).toContain(`nothing answers on 127.0.0.1:${port} (connection refused)`);
    expect(result.stderr).toContain('unset DATABASE_URL');
  }, 45_000);

  it('PORT already in use: names the port and the way out', async () => {
    const { holder, port } = await holdPort();
    held.push(holder);
    const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-startup-data-'));
    const env = { DATABASE_URL: db.url, DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(port), ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef' };
    const result = await run('main.js', [], env);
    expectMessageAlone(result);
    expect(result.stderr).toContain(`LLMHub cannot listen on 127.0.0.1:${port}: the port is already in use`);
    expect(result.stderr).toContain('set PORT to a free port');
  }, 45_000);

  it('a first start on a busy PORT makes no admin token, so the next start still prints it', async () => {
    // the whole story again, on a fresh database, when the next start lost its port to another program: it may
    // have lost it only after making (and printing) the token
    const next = await retryOnTakenPort(async () => {
      const { holder, port } = await holdPort();
      const fresh = await createTestDatabase();
      const env = { DATABASE_URL: fresh.url, DATA_DIR: mkdtempSync(join(tmpdir(), 'llmhub-startup-data-')), HOST: '127.0.0.1' };
      try {
        const refused = await run('main.js', [], { ...env, PORT: String(port) });
        expectMessageAlone(refused);
        expect(`${refused.stdout}${refused.stderr}`).not.toContain('admin token');

        await new Promise((resolve) => holder.close(resolve));
        // on a port found free now: the one just freed may be taken by another program at once
        return await runUntil('main.js', { ...env, PORT: String(await freePort()) }, /LLMHub listening on/);
      } finally {
        holder.close();
        await fresh.drop();
      }
    }, lostItsPort);
    expect(next.stdout).toContain('LLMHub generated an admin token. It is shown only this once');
  }, 90_000);

  it('a first start reads in order: what the start logged comes before the address it listens on', async () => {
    // again on a fresh database when the start lost its port to another program (perhaps after making the token)
    const { stdout } = await retryOnTakenPort(async () => {
      const fresh = await createTestDatabase();
      const env = {
        DATABASE_URL: fresh.url,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'llmhub-startup-data-')),
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
      };
      try {
        return await runUntil('main.js', env, /LLMHub listening on/);
      } finally {
        await fresh.drop();
      }
    }, lostItsPort);
    // logged while the application starts (no LLMHUB_SECRET in this environment), after the admin token is made
    const token = stdout.indexOf('LLMHub generated an admin token');
    const logged = stdout.indexOf('LLMHUB_SECRET is not set');
    const listening = stdout.indexOf('LLMHub listening on');
    expect(token).toBeGreaterThanOrEqual(0);
    expect(logged).toBeGreaterThan(token);
    expect(listening).toBeGreaterThan(logged);
  }, 90_000);

  it('a DATA_DIR another running instance holds: names DATA_DIR and the holder; after a kill -9 of that one, the next start takes it over', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-startup-shared-'));
    const first = await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir });
    try {
      // both used to start, appending to and replaying the same usage spool
      const second = await run('main.js', [], { DATABASE_URL: db.url, DATA_DIR: dataDir, PORT: '0', ADMIN_TOKEN: 'e2e-admin-token-0123456789abcdef' });
      expectMessageAlone(second);
      expect(second.stderr).toContain(`DATA_DIR (${dataDir}) is in use by another LLMHub instance: process ${first.child.pid} on host`);
      expect(second.stderr).toContain('Give this instance a DATA_DIR of its own, or stop the other one');

      await first.kill9();
      const next = await startServer({ DATABASE_URL: db.url, DATA_DIR: dataDir });
      await next.stop();
    } finally {
      await first.kill9();
    }
  }, 120_000);

  it('EMBEDDED_DB_PORT already in use (another checkout runs its embedded database): names the variable', async () => {
    const { holder, port } = await holdPort();
    held.push(holder);
    const parent = mkdtempSync(join(tmpdir(), 'llmhub-startup-embedded-'));
    chmodSync(parent, 0o755); // as root, the postgres OS user must reach DATA_DIR
    const result = await run('main.js', [], { DATA_DIR: join(parent, 'data'), EMBEDDED_DB_PORT: String(port), PORT: '0' });
    expectMessageAlone(result);
    expect(result.stderr).toContain(`port ${port} on 127.0.0.1 (EMBEDDED_DB_PORT) is already in use`);
    expect(result.stderr).toContain('set EMBEDDED_DB_PORT to a free port');
  });
});
