import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureServerBuilt } from '@test/support/server-process';

const ROOT = join(__dirname, '..', '..', '..');

/** A bad environment variable stops the process with its message alone: no framework log line, no stack trace. */
describe('a bad environment variable', () => {
  beforeAll(() => ensureServerBuilt(), 180_000);

  function run(script: string, args: string[], env: Record<string, string>) {
    return spawnSync(process.execPath, [join(ROOT, 'dist', 'src', script), ...args], {
      cwd: mkdtempSync(join(tmpdir(), 'llmhub-badenv-')), // no .env to pick up
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: 'postgres://127.0.0.1:1/none', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  }

  function expectMessageAlone(stderr: string, variable: string): void {
    expect(stderr).toMatch(new RegExp(`^Invalid configuration:\\n  - ${variable}: `));
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/\[Nest\]|ExceptionHandler|ConfigError/);
  }

  it('stops the server with the message naming the variable', () => {
    const server = run('main.js', [], { PORT: 'not-a-port', RETENTION_DAYS: 'ninety' });
    expect(server.status).toBe(1);
    expectMessageAlone(server.stderr, 'PORT');
    expect(server.stderr).toContain('RETENTION_DAYS');
    expect(server.stderr).toContain('See .env.example');
    expect(server.stdout).toBe('');
  });

  it('stops the CLI the same way', () => {
    const cli = run('cli.js', ['migrate'], { LOG_LEVEL: 'chatty' });
    expect(cli.status).toBe(1);
    expectMessageAlone(cli.stderr, 'LOG_LEVEL');
  });
});
