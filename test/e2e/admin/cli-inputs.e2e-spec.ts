import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { ensureServerBuilt } from '@test/support/server-process';

const CLI = join(__dirname, '..', '..', '..', 'dist', 'src', 'cli.js');

/**
 * The CLI takes what the admin API takes: a value the API would refuse is a usage message naming the
 * option, exit status 2 and no stack trace, and nothing is written.
 */
describe('npm run cli refuses what the admin API refuses', () => {
  let db: TestDatabase;
  let pg: Client;
  const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-cli-inputs-'));

  function cli(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, DATA_DIR: dataDir, ADMIN_TOKEN: 'cli-inputs-admin-token-0123456789', LOG_LEVEL: 'warn' },
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

  const count = async (table: 'api_clients' | 'api_keys') => (await pg.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;

  beforeAll(async () => {
    ensureServerBuilt();
    db = await createTestDatabase();
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  }, 180_000);

  afterAll(async () => {
    await pg?.end();
    await db?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [['--name', 'too-fast', '--rpm', '99999999999'], '--rpm must not be greater than 10000000'],
    [['--name', 'too-many', '--tpm', '3000000000'], '--tpm must not be greater than 2000000000'],
    [['--name', '   '], '--name must not be empty or only spaces'],
    [['--name', 'x'.repeat(201)], '--name must be shorter than or equal to 200 characters'],
    [['--name', 'exp', '--budget', '1e3'], '--budget must be a decimal string like "250.00" or a number (got "1e3")'],
  ])('client:create %p exits 2 saying %p, with no stack trace and no client', async (args, message) => {
    const run = await cli('client:create', ...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(await count('api_clients')).toBe(0);
  });

  it('key:create with a name the API would refuse exits 2 and creates no key', async () => {
    const made = await cli('client:create', '--name', 'has-keys');
    expect(made.status).toBe(0);
    const keys = await count('api_keys');
    const run = await cli('key:create', '--client', 'has-keys', '--name', 'k'.repeat(201));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--name must be shorter than or equal to 200 characters');
    expect(await count('api_keys')).toBe(keys);
  });

  it('refuses a client name taken in another case, and finds a client by its name in another case', async () => {
    expect((await cli('client:create', '--name', 'Case-App')).status).toBe(0);
    const clients = await count('api_clients');
    const taken = await cli('client:create', '--name', 'CASE-APP');
    expect(taken.status).toBe(1);
    expect(taken.stderr).toContain('conflict: A client named "Case-App" already exists');
    expect(await count('api_clients')).toBe(clients);
    const keys = await count('api_keys');
    expect((await cli('key:create', '--client', 'case-app')).status).toBe(0);
    expect(await count('api_keys')).toBe(keys + 1);
  });

  it('key:rotate with something that is not a key id says so and exits 2', async () => {
    const run = await cli('key:rotate', 'lh_not-an-id');
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('KEY_ID must be a key id (a UUID, as client:create and key:create print it), got "lh_not-an-id"');
  });
});
