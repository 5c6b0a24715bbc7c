import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StartupError } from '@src/common/startup-error';
import { LOCK_FILE, LockHolder, lockDataDir, processStart, STALE_AFTER_MS, thisProcess } from '@src/config/data-dir-lock';

async function refusal(promise: Promise<unknown>): Promise<StartupError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StartupError) return error;
    throw error;
  }
  throw new Error('expected the lock to be refused');
}

/** A pid no process has any more: a child's, once it has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

/**
 * Two LLMHub servers on one DATA_DIR would both append to and replay its usage spool. The second
 * is refused, naming DATA_DIR and who holds it; a lock whose holder is gone is taken over.
 */
describe('the DATA_DIR lock', () => {
  const me = thisProcess();
  let dir: string;
  const lockFile = () => join(dir, LOCK_FILE);
  const writeLock = (holder: Partial<LockHolder>, renewedMsAgo = 0): void => {
    writeFileSync(lockFile(), JSON.stringify({ ...me, ...holder }));
    const at = new Date(Date.now() - renewedMsAgo);
    utimesSync(lockFile(), at, at);
  };
  /** a process running on this machine that is not this one: jest's parent */
  const other = { pid: process.ppid, process_start: processStart(process.ppid) };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'llmhub-lock-'));
  });

  it('is taken on a free DATA_DIR, names its holder, and is gone once released', async () => {
    const lock = await lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, hostname: me.hostname });
    lock.release();
    expect(existsSync(lockFile())).toBe(false);
    (await lockDataDir(dir)).release();
  });

  it('refuses a DATA_DIR a running process of this machine holds, naming DATA_DIR, the process and its host', async () => {
    writeLock(other);
    const refused = await refusal(lockDataDir(dir));
    expect(refused.message).toContain(`DATA_DIR (${dir}) is in use by another LLMHub instance: process ${process.ppid} on host "${me.hostname}"`);
    expect(refused.message).toContain('Give this instance a DATA_DIR of its own, or stop the other one');
    // the holder's lock is left as it was
    expect(JSON.parse(readFileSync(lockFile(), 'utf8')).pid).toBe(process.ppid);
  });

  it('takes over the lock of a process that is gone (a kill -9, a crash)', async () => {
    writeLock({ pid: deadPid() });
    const lock = await lockDataDir(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid now belongs to another process, or to this one (a container restarted as pid 1 again)', async () => {
    writeLock({ pid: other.pid, process_start: '1' });
    (await lockDataDir(dir)).release();
    writeLock({ started_at: '2026-01-01T00:00:00.000Z' });
    (await lockDataDir(dir)).release();
  });

  it('takes over a lock written before this machine restarted', async () => {
    writeLock({ ...other, boot_id: 'a-boot-before-this-one' });
    (await lockDataDir(dir)).release();
  });

  /** touches the lock as its holder would, until stopped */
  function renewing(): () => void {
    const timer = setInterval(() => {
      const now = new Date();
      utimesSync(lockFile(), now, now);
    }, 100);
    return () => clearInterval(timer);
  }

  it('from another machine or container, refuses a lock that is renewed while it waits, naming its holder', async () => {
    for (const elsewhere of [{ hostname: 'another-host' }, { pid_namespace: 'pid:[1]', pid: process.pid }]) {
      writeLock(elsewhere);
      const stop = renewing();
      try {
        const refused = await refusal(lockDataDir(dir));
        expect(refused.message).toContain('it renewed its lock while this start waited');
        expect(refused.message).toContain(`${STALE_AFTER_MS / 1000} s after its last renewal from another machine or container`);
      } finally {
        stop();
      }
    }
  });

  it('from another machine or container, takes over a lock no longer renewed: at once when stale, else once it goes stale', async () => {
    for (const elsewhere of [{ hostname: 'another-host' }, { pid_namespace: 'pid:[1]', pid: process.pid }]) {
      writeLock(elsewhere, STALE_AFTER_MS + 1_000);
      (await lockDataDir(dir)).release();
      // a container restarted after a kill -9: its own lock of a moment ago, which nothing renews any more
      writeLock(elsewhere, 500);
      (await lockDataDir(dir, me, 1_500)).release();
    }
  });

  it('a lock file that cannot be read (a crash as it was written) is refused while renewed, and taken over once stale', async () => {
    writeFileSync(lockFile(), '');
    const stop = renewing();
    try {
      expect((await refusal(lockDataDir(dir))).message).toContain('a process whose lock file cannot be read');
    } finally {
      stop();
    }
    (await lockDataDir(dir, me, 1_000)).release();
  });
});
