import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startTestApp, TestApp } from '../support/app';
import { createTestDatabase, TestDatabase } from '../support/db';
import { pollUntil } from '../support/poll';
import { ensureServerBuilt } from '../support/server-process';

const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli.js');

describe('npm run cli', () => {
  let db: TestDatabase;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-cli-'));

  /**
   * Runs the CLI without blocking this process: the server under test runs in
   * it, and a blocked event loop lets idle keep-alive sockets expire under the
   * next fetch (ECONNRESET).
   */
  function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    return cliWith({ ADMIN_TOKEN: 'cli-test-admin-token-0123456789' }, ...args);
  }

  function cliWith(extraEnv: Record<string, string>, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...extraEnv },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    return new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });
  }

  const keyIn = (output: string): string => /\b(lh_[A-Za-z0-9_-]{20,})/.exec(output)?.[1] ?? '';

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
  }, 180_000);
  afterAll(async () => {
    await db.drop();
  });

  it('migrate reports the schema up to date', async () => {
    const run = await cli('migrate');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/up to date/);
  });

  it('prints usage and exits 2 on wrong arguments, before touching the database', async () => {
    expect((await cli('client:create')).status).toBe(2);
    expect((await cli('client:create', '--name', 'x', '--rpm', 'many')).stderr).toMatch(/--rpm must be an integer/);
    expect((await cli('no-such-command')).stderr).toMatch(/Unknown command "no-such-command"/);
  });

  it('--help (or -h, or help) prints the usage on stdout and exits 0, also after a command', async () => {
    for (const args of [['--help'], ['-h'], ['help'], ['client:create', '--help']]) {
      const run = await cli(...args);
      expect({ args, status: run.status, stderr: run.stderr }).toEqual({ args, status: 0, stderr: '' });
      expect(run.stdout).toMatch(/^Usage: npm run cli -- <command>/);
      expect(run.stdout).toContain('key:rotate KEY_ID [--grace-seconds N]');
    }
  });

  it('names an unknown option even when it has no value, and refuses a repeated or single-dash option', async () => {
    const unknown = await cli('admin:reset-token', '--force');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^Unknown option --force for admin:reset-token\n/);

    // the second name used to win silently
    const twice = await cli('client:create', '--name', 'first', '--name', 'second');
    expect(twice.status).toBe(2);
    expect(twice.stderr).toMatch(/^--name is given twice\n/);

    const dash = await cli('client:create', '--name', 'x', '-v');
    expect(dash.status).toBe(2);
    expect(dash.stderr).toMatch(/^Unknown option -v for client:create/);

    const extra = await cli('client:create', 'extra', '--name', 'x');
    expect(extra.stderr).toMatch(/^client:create takes no arguments besides its options; got "extra"\n/);
  });

  it('names the option, not the API field, and the value it refused', async () => {
    const budget = await cli('client:create', '--name', 'x', '--budget', 'abc');
    expect(budget.status).toBe(2);
    expect(budget.stderr).toMatch(/^--budget must be a decimal string like "250.00" or a number \(got "abc"\)\n/);
    expect((await cli('client:create', '--name', 'x', '--rpm', '0')).stderr).toMatch(/^--rpm must be an integer ≥ 1 \(got "0"\)\n/);
  });

  it('key:rotate refuses a grace period the admin API refuses, before touching the database', async () => {
    // a grace beyond any date used to reach the database and end in its error and a stack trace
    const run = await cli('key:rotate', '00000000-0000-4000-8000-000000000000', '--grace-seconds', '99999999999999');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^--grace-seconds must not be greater than 2592000\n/);
  });

  it('leaves the usage spool in DATA_DIR to the server: never moves, replays or deletes it', async () => {
    // what a server running on this DATA_DIR may be appending to while the database is away
    const spoolDir = join(dataDir, 'usage-spool');
    mkdirSync(spoolDir, { recursive: true });
    const spooled = '{"not":"replayed by the CLI"}\n';
    writeFileSync(join(spoolDir, 'spool.jsonl'), spooled);

    expect((await cli('migrate')).status).toBe(0);

    expect(readdirSync(spoolDir)).toEqual(['spool.jsonl']);
    expect(readFileSync(join(spoolDir, 'spool.jsonl'), 'utf8')).toBe(spooled);
    rmSync(spoolDir, { recursive: true });
  });

  it("leaves generating the admin token to the server's first start: a command without ADMIN_TOKEN prints and stores none", async () => {
    const run = await cliWith({}, 'migrate');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toMatch(/admin token/i);
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      expect((await pg.query('SELECT count(*)::int AS n FROM admin_credentials')).rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }
  });

  describe('with the server running on the same database', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ DATABASE_URL: db.url });
    });
    afterAll(async () => {
      await t.app.close();
    });

    it('client:create prints a key, once, that the gateway accepts', async () => {
      const run = await cli('client:create', '--name', 'cli-made', '--rpm', '100', '--budget', '12.50');
      expect(run.status).toBe(0);
      const key = keyIn(run.stdout);
      expect(key).not.toBe('');
      const me = await fetch(`${t.url}/api/v1/me`, { headers: { 'x-api-key': key } });
      expect(me.status).toBe(200);
      const clients = await fetch(`${t.url}/api/admin/clients`, { headers: { authorization: `Bearer ${t.adminToken}` } });
      const body = (await clients.json()) as { items: { name: string; rate_limit_rpm: number; monthly_budget_usd: string }[] };
      expect(body.items.find((c) => c.name === 'cli-made')).toMatchObject({ rate_limit_rpm: 100, monthly_budget_usd: '12.5' });
    });

    it('client:create prints the id of the key it made, which key:rotate takes', async () => {
      const run = await cli('client:create', '--name', 'cli-rotated');
      expect(run.status).toBe(0);
      const keyId = /Key "default" \(id ([0-9a-f-]{36})\) created for client "cli-rotated"/.exec(run.stdout)?.[1];
      expect(keyId).toBeDefined();
      const rotated = await cli('key:rotate', keyId ?? '');
      expect(rotated.status).toBe(0);
      expect((await fetch(`${t.url}/api/v1/me`, { headers: { 'x-api-key': keyIn(rotated.stdout) } })).status).toBe(200);
    });

    it('key:create and key:rotate give new working keys and retire the old one', async () => {
      const created = await cli('key:create', '--client', 'cli-made', '--name', 'second');
      expect(created.status).toBe(0);
      const oldKey = keyIn(created.stdout);
      const keyId = /id ([0-9a-f-]{36})/.exec(created.stdout)?.[1] ?? '';
      const rotated = await cli('key:rotate', keyId);
      expect(rotated.status).toBe(0);
      const newKey = keyIn(rotated.stdout);
      expect(newKey).not.toBe(oldKey);
      expect((await fetch(`${t.url}/api/v1/me`, { headers: { 'x-api-key': newKey } })).status).toBe(200);
      // the revocation reaches this instance's key cache within a few seconds (within 5 s)
      const status = await pollUntil(
        async () => (await fetch(`${t.url}/api/v1/me`, { headers: { 'x-api-key': oldKey } })).status,
        (s) => s === 401,
        {
          timeoutMs: 8_000,
          intervalMs: 250,
        },
      );
      expect(status).toBe(401);
    });
  });
});
