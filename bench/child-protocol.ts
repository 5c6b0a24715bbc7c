/** Benchmark worker processes print one line `BENCH_RESULT <json>` on stdout. */
import { readFileSync } from 'node:fs';
import { spawnChild, stopChild, tail } from './processes';

export const RESULT_PREFIX = 'BENCH_RESULT ';

export function emitResult(result: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** Runs `node <script>` with env in its own process group; returns its result line, bounded by timeoutMs. */
export async function runWorker<T>(name: string, script: string, env: NodeJS.ProcessEnv, logFile: string, timeoutMs: number): Promise<T> {
  const child = spawnChild(name, [script], env, logFile);
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
  const outcome = await Promise.race([child.exited, timer]);
  if (outcome === 'timeout') {
    await stopChild(child, 2_000);
    throw new Error(`${name} did not finish within ${Math.round(timeoutMs / 1000)} s:\n${tail(logFile)}`);
  }
  const line = readFileSync(logFile, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (outcome !== 0 || !line) throw new Error(`${name} failed (exit ${outcome}):\n${tail(logFile)}`);
  return JSON.parse(line.slice(RESULT_PREFIX.length)) as T;
}
