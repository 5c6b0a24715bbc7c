import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isProcessAlive, parsePostmasterPid } from '@src/database/embedded-postmaster';
import { createTestDatabase } from '@test/support/db';
import { embeddedDbPortTaken, freePort, PORT_TAKEN, retryOnTakenPort } from '@test/support/net';
import { itWithRedisServer, RedisProcess } from '@test/support/redis-process';
import Redis from 'ioredis';
import { pollUntil } from '@test/support/poll';
import { ensureServerBuilt } from '@test/support/server-process';
import { startDistScript, type DistScript } from '@test/support/dist-script';

const start = startDistScript;

/** The pid PostgreSQL wrote into the cluster's postmaster.pid, once it has written it. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    return parsePostmasterPid(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8'))?.pid;
  } catch {
    return undefined;
  }
}

/** A DATA_DIR the embedded PostgreSQL may use (as root it runs as the postgres OS user). */
function embeddedDataDir(): string {
  const parent = mkdtempSync(join(tmpdir(), 'llmhub-operator-data-'));
  chmodSync(parent, 0o755);
  return join(parent, 'data');
}

type Exit = Awaited<DistScript['exited']>;

/** Whether a run stopped only because a port it was given, free a moment before, was taken first by another program. */
function lostItsPort(run: DistScript, exit: Exit): boolean {
  const { stderr } = run.output();
  return exit.status === 1 && (embeddedDbPortTaken(stderr) || stderr.includes(PORT_TAKEN.llmhub));
}

/**
 * Runs main.js on DATA_DIR's embedded database to its exit, with an EMBEDDED_DB_PORT found free: again on another
 * when that one was taken before the run bound it.
 */
function runOnEmbeddedDb(env: Record<string, string>): Promise<{ run: DistScript; exit: Exit }> {
  return retryOnTakenPort(
    async () => {
      const run = start('main.js', [], { DATA_DIR: embeddedDataDir(), EMBEDDED_DB_PORT: String(await freePort()), ...env });
      return { run, exit: await run.exited };
    },
    ({ run, exit }) => lostItsPort(run, exit),
  );
}

/** The message alone: exit 1, no stack trace, no framework lines. */
function expectMessageAlone(result: { status: number | null }, output: { stdout: string; stderr: string }): void {
  expect(result.status).toBe(1);
  expect(output.stderr).not.toMatch(/^\s+at /m);
  expect(`${output.stdout}${output.stderr}`).not.toMatch(/\[Nest\]|ExceptionHandler/);
}

describe('an operator starting and stopping LLMHub', () => {
  beforeAll(() => ensureServerBuilt(), 180_000);

  it('a DATA_DIR that is a file: one message naming DATA_DIR, not a stack trace from inside the start', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'llmhub-operator-file-')), 'data');
    writeFileSync(file, 'not a folder');
    for (const dataDir of [file, join(file, 'below')]) {
      const run = start('main.js', [], { DATA_DIR: dataDir, PORT: '0' });
      expectMessageAlone(await run.exited, run.output());
      expect(run.output().stderr).toMatch(new RegExp(`^DATA_DIR \\(${dataDir}\\) cannot be used: (it|a part of its path) is a file, not a folder\\.\n`));
    }
  }, 60_000);

  it('a HOST that is no known name or address: says so and names HOST', async () => {
    const { run, exit } = await runOnEmbeddedDb({ PORT: '0', HOST: 'no-such-host.invalid' });
    expectMessageAlone(exit, run.output());
    expect(run.output().stderr).toContain('HOST "no-such-host.invalid" is not a known host name or address');
    expect(run.output().stderr).toContain('Correct HOST');
  }, 60_000);

  itWithRedisServer(
    'a REDIS_URL whose password Redis refuses stops the start, naming REDIS_URL and never printing the password',
    async () => {
      const redis = await RedisProcess.start();
      const admin = new Redis(redis.url);
      try {
        await admin.config('SET', 'requirepass', 'the-right-password');
        // it used to start "ready", its limits per instance for good, with one warning saying Redis was unreachable
        for (const url of [`redis://:a-wrong-password@127.0.0.1:${redis.port}`, redis.url]) {
          const { run, exit } = await runOnEmbeddedDb({ REDIS_URL: url, PORT: '0' });
          expectMessageAlone(exit, run.output());
          expect(run.output().stderr).toMatch(
            /^LLMHub cannot use Redis at REDIS_URL \(redis:\/\/.*\): the server refused the credentials \((WRONGPASS|NOAUTH) /,
          );
          expect(run.output().stderr).toContain('Correct the user name and password in REDIS_URL');
          expect(run.output().stderr).not.toContain('a-wrong-password');
        }
      } finally {
        admin.disconnect();
        await redis.stop();
      }
    },
    60_000,
  );

  itWithRedisServer(
    'a REDIS_URL naming a database the server does not have stops the start, naming REDIS_URL and the database',
    async () => {
      const redis = await RedisProcess.start();
      try {
        // it used to start on database 0 without a word, beside whatever else uses that database
        const { run, exit } = await runOnEmbeddedDb({ REDIS_URL: `${redis.url}/99`, PORT: '0' });
        expectMessageAlone(exit, run.output());
        expect(run.output().stderr).toMatch(
          /^LLMHub cannot use Redis at REDIS_URL \(redis:\/\/.*\/99\): the server has no database 99 \(ERR DB index is out of range\)/,
        );
        expect(run.output().stderr).toContain('Correct the database number at the end of REDIS_URL');
      } finally {
        await redis.stop();
      }
    },
    60_000,
  );

  it('PORT=0 takes a free port and prints that port, where it answers', async () => {
    const db = await createTestDatabase();
    const run = start('main.js', [], {
      DATABASE_URL: db.url,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'llmhub-operator-data-')),
      PORT: '0',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: 'operator-admin-token-0123456789',
    });
    try {
      const stdout = await pollUntil(
        () => run.output().stdout,
        (out) => out.includes('LLMHub listening on'),
        { timeoutMs: 60_000, intervalMs: 50 },
      );
      // it used to print http://localhost:0
      const port = Number(/LLMHub listening on http:\/\/localhost:(\d+)/.exec(stdout)?.[1]);
      expect(port).toBeGreaterThan(0);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      run.child.kill('SIGTERM');
      await run.exited;
      await db.drop();
    }
  }, 120_000);

  /**
   * Ctrl-C while the embedded PostgreSQL was starting used to end the process
   * by the signal's default and leave the server (detached, in its own process
   * group) running with nobody to stop it.
   */
  it.each([
    ['main.js', [] as string[], 'LLMHub was starting'],
    ['cli.js', ['migrate'], 'npm run cli -- migrate was running'],
  ])(
    'a SIGINT while %s starts the embedded database stops that database too',
    async (script, args, what) => {
      // started again on fresh ports when one was taken before the run bound it (it then exits before any SIGINT)
      const { run, pid, exit } = await retryOnTakenPort(
        async () => {
          const dataDir = embeddedDataDir();
          const run = start(script, args, {
            DATA_DIR: dataDir,
            EMBEDDED_DB_PORT: String(await freePort()),
            PORT: String(await freePort()),
            HOST: '127.0.0.1',
          });
          const exited = (): boolean => run.child.exitCode !== null || run.child.signalCode !== null;
          const pid = await pollUntil(
            () => postmasterPid(dataDir),
            (p) => p !== undefined || exited(),
            { timeoutMs: 60_000, intervalMs: 20 },
          );
          if (!exited()) run.child.kill('SIGINT');
          return { run, pid, exit: await run.exited };
        },
        ({ run, exit }) => lostItsPort(run, exit),
      );
      expect(pid).toBeDefined();
      expect(exit).toEqual({ status: 130, signal: null });
      expect(run.output().stderr).toContain(`SIGINT while ${what}: stopped`);
      expect(
        await pollUntil(
          () => isProcessAlive(pid!),
          (alive) => !alive,
          { timeoutMs: 20_000, intervalMs: 100 },
        ),
      ).toBe(false);
    },
    120_000,
  );
});
