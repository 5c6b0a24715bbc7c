import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { embeddedDbPortTaken, freePort, retryOnTakenPort } from '@test/support/net';
import { ensureServerBuilt } from '@test/support/server-process';

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');

function seed(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // only PATH and HOME from this process: no DATABASE_URL
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'bench', 'seed-usage.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A run on DATA_DIR's embedded database, on a port found free; again on another when PostgreSQL lost that one first. */
function seedEmbedded(args: string[], dataDir: string): ReturnType<typeof seed> {
  return retryOnTakenPort(
    async () => seed(args, { DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(await freePort()) }),
    (run) => run.status === 1 && embeddedDbPortTaken(run.stderr),
  );
}

/** `npm run seed:usage`, as the README shows it after `npm install && npm start`: no DATABASE_URL, the embedded database. */
describe('seed:usage without DATABASE_URL (e2e)', () => {
  let dataDir: string;

  beforeAll(() => {
    ensureServerBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'llmhub-seed-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints its usage for --help, and refuses a misspelt option, both without touching a database', async () => {
    // a port nothing binds (both stop before opening a database), so one lost meanwhile changes nothing
    const env = { DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(await freePort()) };
    const help = await seed(['--help'], env);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: npm run seed:usage -- [--rows N] [--days D] [--clients C]');
    const typo = await seed(['--row', '50'], env);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('Unknown argument "--row"');
    // no embedded database was created for either
    expect(readdirSync(dataDir)).toEqual([]);
  });

  it("writes into DATA_DIR's embedded database, and again on a second run", async () => {
    const first = await seedEmbedded(['--rows', '300', '--days', '3'], dataDir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/seeded 300 records over 3 days/);
    // the embedded server it started was stopped: a second run starts it again
    const second = await seedEmbedded(['--rows', '200', '--days', '3'], dataDir);
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/seeded 200 records/);
  });
});
