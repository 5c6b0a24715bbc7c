import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerBuilt } from '@test/support/server-process';

const ROOT = join(__dirname, '..', '..', '..');
const asRoot = process.getuid?.() === 0;

/**
 * As root, the embedded PostgreSQL runs as the "postgres" OS user. With its
 * data in a private (0700) folder, `npm start` used to die of an unhandled
 * spawn error (or initdb's permission error with a stack trace); it now stops
 * at once, saying what to do. Only meaningful as root (as CI runs).
 */
(asRoot ? describe : describe.skip)('npm start as root with DATA_DIR in a private folder', () => {
  beforeAll(() => ensureServerBuilt(), 180_000);

  it('stops at once with a message naming the folder and the ways out, and touches nothing', () => {
    const privateDir = mkdtempSync(join(tmpdir(), 'llmhub-private-'));
    chmodSync(privateDir, 0o700);
    const run = spawnSync(process.execPath, [join(ROOT, 'dist', 'src', 'main.js')], {
      cwd: mkdtempSync(join(tmpdir(), 'llmhub-cwd-')), // no .env to pick up
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATA_DIR: join(privateDir, 'data'), PORT: '0', EMBEDDED_DB_PORT: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`because ${privateDir} is mode 0700`);
    expect(run.stderr).toContain('set DATABASE_URL');
    expect(run.stderr).toContain(`chmod o+x ${privateDir}`);
    expect(run.stderr).not.toMatch(/^\s+at |Unhandled 'error' event|EACCES/m);
    expect(existsSync(join(privateDir, 'data', 'postgres'))).toBe(false);
  });
});
