/**
 * Child processes of the benchmark. Each runs in its own process group
 * (detached), so stopping it also stops anything it spawned; every child is
 * tracked and killed on exit, on error and on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync } from 'node:fs';

export interface Child {
  name: string;
  pid: number;
  proc: ChildProcess;
  exited: Promise<number | null>;
  logFile: string;
}

const running = new Set<Child>();

/** A Node script of the bench (this Node, these arguments). */
export function spawnChild(name: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  return spawnProcess(name, process.execPath, args, env, logFile);
}

/** A command line run by /bin/sh (another gateway started the way its own docs say), in a process group of its own. */
export function spawnShell(name: string, command: string, env: NodeJS.ProcessEnv, logFile: string): Child {
  return spawnProcess(name, '/bin/sh', ['-c', command], env, logFile);
}

function spawnProcess(name: string, file: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Child {
  const fd = openSync(logFile, 'w');
  const proc = spawn(file, args, { env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (proc.pid === undefined) throw new Error(`${name}: failed to start`);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const child: Child = { name, pid: proc.pid, proc, exited, logFile };
  running.add(child);
  void exited.then(() => running.delete(child));
  return child;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** SIGTERM to the group, SIGKILL after graceMs. */
export async function stopChild(child: Child, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.proc.exitCode !== null || child.proc.signalCode !== null) return;
  killGroup(child.pid, signal);
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), graceMs).unref());
  if ((await Promise.race([child.exited, timer])) === 'timeout') {
    killGroup(child.pid, 'SIGKILL');
    await child.exited;
  }
  killGroup(child.pid, 'SIGKILL'); // stragglers in the group
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => stopChild(c, 5_000)));
}

/** Last resort from a synchronous exit handler. */
export function killAllNow(): void {
  for (const c of running) killGroup(c.pid, 'SIGKILL');
}

export function tail(logFile: string, lines = 20): string {
  try {
    return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export { freePort } from '../test/support/net';

/** Polls url until it answers 2xx; fails if the child exits or timeoutMs passes. */
export async function waitForHttp(url: string, child: Child, headers: Record<string, string> = {}, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null) throw new Error(`${child.name} exited (${child.proc.exitCode}):\n${tail(child.logFile)}`);
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${child.name} not ready at ${url} after ${timeoutMs} ms:\n${tail(child.logFile)}`);
}

/** Resident set size in MB from /proc (Linux), or NaN. */
export function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/** Samples a process's RSS every intervalMs until stop() is called; returns the max. */
export function sampleRss(pid: number, intervalMs = 200): { stop(): { maxMb: number; samples: number } } {
  let maxMb = rssMb(pid);
  let samples = 1;
  const timer = setInterval(() => {
    const v = rssMb(pid);
    if (!Number.isNaN(v)) maxMb = Math.max(maxMb, v);
    samples++;
  }, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      return { maxMb, samples };
    },
  };
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux x86-64 (getconf CLK_TCK)

/** User + system CPU time of a process in ms from /proc (Linux), or NaN. */
export function cpuTimeMs(pid: number): number {
  const fields = statFields(pid);
  return fields === undefined ? Number.NaN : cpuMsOf(fields);
}

/**
 * CPU time of every process in a process group (a command run through a shell, with the children it started), in ms
 * from /proc (Linux), or NaN when none is found. Processes that ended in between are no longer counted.
 */
export function groupCpuTimeMs(pgid: number): number {
  let total = 0;
  let found = false;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    // after the command name: state, ppid, pgrp, …
    if (fields === undefined || Number(fields[2]) !== pgid) continue;
    found = true;
    total += cpuMsOf(fields);
  }
  return found ? total : Number.NaN;
}

/** utime and stime (the stat line's fields 14 and 15) in ms. */
function cpuMsOf(fields: readonly string[]): number {
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
}

/** The fields of /proc/<pid>/stat after the parenthesised command name, or undefined when the process is gone. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}
