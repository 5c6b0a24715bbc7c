import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** What `postmaster.pid` tells us (PostgreSQL writes one value per line). */
export interface PostmasterPidFile {
  pid: number;
  dataDir: string | undefined;
  port: number | undefined;
  /** 'starting' | 'stopping' | 'ready' | 'standby' once the server has got that far. */
  status: string | undefined;
}

export type PostgresLogLevel = 'info' | 'warn' | 'error';

/** Parses `postmaster.pid`; undefined when the first line is not a positive integer PID. */
export function parsePostmasterPid(content: string): PostmasterPidFile | undefined {
  const lines = content.split('\n');
  const first = lines[0]?.trim() ?? '';
  if (!/^\d+$/.test(first)) return undefined;
  const pid = Number(first);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const port = Number(lines[3]?.trim());
  return {
    pid,
    dataDir: lines[1]?.trim() || undefined,
    port: Number.isInteger(port) && port > 0 ? port : undefined,
    status: lines[7]?.trim() || undefined,
  };
}

/**
 * True when a command line belongs to a postmaster serving `dataDir`. Requiring the
 * data directory keeps us from signalling an unrelated process that reused the PID.
 */
export function isPostmasterFor(commandLine: string, dataDir: string): boolean {
  const argv0 = commandLine.trim().split(/\s+/)[0] ?? '';
  if (path.basename(argv0) !== 'postgres') return false;
  return commandLine.includes(dataDir);
}

/**
 * What a session still open says when the server is stopped (LLMHub stops its embedded server with a fast
 * shutdown, which ends the sessions a pool has not closed yet): the stop working, not a failure.
 */
const SESSION_ENDED_BY_SHUTDOWN = /FATAL: {1,2}terminating connection due to administrator command$/;

/** Maps a PostgreSQL stderr log line to a logger level by its severity tag. */
export function postgresLogLevel(line: string): PostgresLogLevel {
  if (SESSION_ENDED_BY_SHUTDOWN.test(line)) return 'info';
  if (/\b(ERROR|FATAL|PANIC):/.test(line)) return 'error';
  if (/\bWARNING:/.test(line)) return 'warn';
  return 'info';
}

/** Splits a byte stream into whole lines, buffering a partial last line across chunks. */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    const parts = (this.pending + chunk).split(/\r?\n/);
    this.pending = parts.pop() ?? '';
    return parts.filter((line) => line.trim() !== '');
  }

  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest.trim() === '' ? [] : [rest];
  }
}

/** Alive means signalable and not a zombie (a zombie still answers kill(pid, 0)). */
export async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return true;
  // Format: "pid (comm) state ..."; comm may contain spaces and parentheses.
  const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  return state !== 'Z' && state !== 'X';
}

/** The process's command line, from /proc where there is one, otherwise from ps. */
export async function readCommandLine(pid: number): Promise<string | undefined> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  if (raw !== undefined && raw !== '') return raw.replace(/\0+$/, '').split('\0').join(' ');
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'command=', '-p', String(pid)], (err, stdout) => {
      const line = stdout?.trim();
      resolve(err || !line ? undefined : line);
    });
  });
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await delay(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL if it has not exited within `graceMs`; resolves once it is gone. */
export async function terminateProcess(pid: number, graceMs: number): Promise<void> {
  signal(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  if (!(await waitForExit(pid, 5_000))) {
    throw new Error(`process ${pid} did not exit after SIGKILL`);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}
