import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface DistScript {
  child: ChildProcess;
  /** what it printed so far */
  output(): { stdout: string; stderr: string };
  exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

export interface DistRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts dist/src/<script> as an operator would, with only `env` (and PATH and HOME), in a fresh
 * folder with no .env; killed (SIGKILL) if still running after `killAfterMs`.
 */
export function startDistScript(script: string, args: string[], env: Record<string, string>, killAfterMs = 90_000): DistScript {
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'src', script), ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'llmhub-script-')),
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal });
    });
  });
  return { child, output: () => ({ stdout, stderr }), exited };
}

/** Runs dist/src/<script> as startDistScript does; resolves with what it printed once it exits. */
export async function runDistScript(script: string, args: string[], env: Record<string, string>, killAfterMs = 45_000): Promise<DistRun> {
  const started = startDistScript(script, args, env, killAfterMs);
  const { status } = await started.exited;
  return { status, ...started.output() };
}
