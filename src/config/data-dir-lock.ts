import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, stat, unlink, utimes } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { StartupError } from '../common/startup-error';

export const LOCK_FILE = 'llmhub.lock';
/** How often the holder touches its lock, and how long a lock nobody touched is trusted from another machine or container. */
export const RENEW_EVERY_MS = 2_000;
export const STALE_AFTER_MS = 10_000;
const WATCH_EVERY_MS = 250;

/** Who holds a DATA_DIR: enough to tell, on the same machine, whether that process still runs. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** the kernel's boot id: a lock written before the machine restarted is stale (Linux; null elsewhere) */
  boot_id: string | null;
  /** the pid namespace: pids of another container say nothing here (Linux; null elsewhere) */
  pid_namespace: string | null;
  /** when the process started, in clock ticks since boot: tells a reused pid from the holder (Linux; null elsewhere) */
  process_start: string | null;
  started_at: string;
}

export interface DataDirLock {
  readonly file: string;
  /** Removes the lock if it is still this process's; synchronous, so it runs in an 'exit' handler. */
  release(): void;
}

/** What `read` gives, trimmed; null when it fails (no /proc on this system, a file gone). */
function readOr(read: () => string): string | null {
  try {
    return read().trim();
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat (after the command name, which may hold spaces and parentheses). */
export function processStart(pid: number | 'self'): string | null {
  const statLine = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (!statLine) return null;
  return statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')[19] ?? null;
}

export function thisProcess(now = new Date()): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    boot_id: readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8')),
    pid_namespace: readOr(() => readlinkSync('/proc/self/ns/pid')),
    process_start: processStart('self'),
    started_at: now.toISOString(),
  };
}

/** Whether a process of this pid runs (one of another user's counts). */
function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether the holder of a lock still runs, as far as this process can see. On the same machine and
 * in the same pid namespace its process says so: gone, or its pid now another process's (reused
 * after a kill -9) or this one's (a restarted container is pid 1 again), and the lock is stale; so
 * is one written before the machine restarted. From another machine or container: `unknown`, and
 * only the lock's renewals can tell.
 */
export function holderRuns(holder: LockHolder | undefined, me: LockHolder): 'yes' | 'no' | 'unknown' {
  const sameHost = holder !== undefined && holder.hostname === me.hostname;
  if (sameHost && holder.boot_id && me.boot_id && holder.boot_id !== me.boot_id) return 'no';
  if (sameHost && holder.boot_id === me.boot_id && holder.pid_namespace === me.pid_namespace) {
    if (holder.pid === me.pid || !pidRuns(holder.pid)) return 'no';
    const start = processStart(holder.pid);
    return holder.process_start === null || start === null || start === holder.process_start ? 'yes' : 'no';
  }
  return 'unknown';
}

/**
 * Watches a lock whose holder cannot be seen until it is renewed (its holder runs) or has gone
 * STALE_AFTER_MS without a renewal: a restarted container takes its own lock over within seconds,
 * rather than being refused until an operator deletes it.
 */
async function renewedWhileWatched(file: string, lastRenewal: number, staleAfterMs: number): Promise<'renewed' | 'stale' | 'gone'> {
  for (;;) {
    if (Date.now() - lastRenewal >= staleAfterMs) return 'stale';
    await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
    const renewal = await stat(file).then(
      (s) => s.mtimeMs,
      () => undefined,
    );
    if (renewal === undefined) return 'gone';
    if (renewal !== lastRenewal) return 'renewed';
  }
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.hostname === 'string' ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

function heldBy(folder: string, file: string, holder: LockHolder | undefined, how: string): StartupError {
  const who = holder ? `process ${holder.pid} on host "${holder.hostname}", started ${holder.started_at}` : 'a process whose lock file cannot be read';
  return new StartupError(
    `DATA_DIR (${folder}) is in use by another LLMHub instance: ${who} (${how}; the lock is ${file}).\n` +
      'Two instances must not share a DATA_DIR: both would append to and replay the usage spool kept there. ' +
      'Give this instance a DATA_DIR of its own, or stop the other one. A lock whose instance is gone is taken over: ' +
      `at once on the same machine, ${STALE_AFTER_MS / 1000} s after its last renewal from another machine or container.`,
  );
}

/**
 * Takes DATA_DIR for this server process, or stops the start naming who holds it. The lock is a file
 * holding this process's identity, touched every RENEW_EVERY_MS while it runs; a stale one (see
 * holderRuns and renewedWhileWatched) is taken over. CLI commands take no lock: they never replay the spool.
 */
export async function lockDataDir(dataDir: string, me: LockHolder = thisProcess(), staleAfterMs = STALE_AFTER_MS): Promise<DataDirLock> {
  const folder = path.resolve(dataDir);
  const file = path.join(folder, LOCK_FILE);
  const mine = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(mine);
        await handle.sync();
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 5) throw error;
    }
    let text: string;
    let renewal: number;
    try {
      [text, renewal] = await Promise.all([readFile(file, 'utf8'), stat(file).then((s) => s.mtimeMs)]);
    } catch {
      continue; // released meanwhile
    }
    const holder = parseHolder(text);
    const runs = holderRuns(holder, me);
    if (runs === 'yes') throw heldBy(folder, file, holder, 'that process runs');
    if (runs === 'unknown') {
      const watched = await renewedWhileWatched(file, renewal, staleAfterMs);
      if (watched === 'gone') continue;
      if (watched === 'renewed') throw heldBy(folder, file, holder, 'it renewed its lock while this start waited');
    }
    await takeAway(file, text);
  }
  const timer = setInterval(() => {
    const now = new Date();
    void utimes(file, now, now).catch(() => undefined);
  }, RENEW_EVERY_MS);
  timer.unref();
  return {
    file,
    release: () => {
      clearInterval(timer);
      if (readOr(() => readFileSync(file, 'utf8')) === mine.trim()) unlinkSync(file);
    },
  };
}

/**
 * Moves a stale lock out of the way. Two instances may judge the same stale lock at once: the
 * one whose rename finds a lock other than the one it judged (the other's, just written) puts it back.
 */
async function takeAway(file: string, judged: string): Promise<void> {
  const aside = `${file}.stale-${randomBytes(6).toString('hex')}`;
  try {
    await rename(file, aside);
  } catch {
    return; // gone already
  }
  if ((await readFile(aside, 'utf8').catch(() => '')) !== judged) await link(aside, file).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}
