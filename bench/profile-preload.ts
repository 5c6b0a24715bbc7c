/**
 * Preloaded into the LLMHub child when BENCH_CPU_PROF=1 (`node -r`): SIGWINCH
 * starts the V8 sampling profiler, the next SIGWINCH stops it and writes
 * BENCH_PROFILE_FILE. Lets the benchmark profile exactly one scenario.
 * SIGWINCH because Nest's enableShutdownHooks() shuts the app down on SIGUSR2,
 * and node itself reserves SIGUSR1 for the inspector.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const file = process.env.BENCH_PROFILE_FILE ?? 'llmhub.cpuprofile';
const session = new Session();
session.connect();
let profiling = false;

function post(method: string, params: object = {}): Promise<unknown> {
  return new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
}

process.on('SIGWINCH', () => {
  const toggle = profiling
    ? post('Profiler.stop').then((r) => writeFileSync(file, JSON.stringify((r as { profile: unknown }).profile)))
    : post('Profiler.enable')
        .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
        .then(() => post('Profiler.start'));
  profiling = !profiling;
  toggle.catch((err: unknown) => process.stderr.write(`bench profiler: ${String(err)}\n`));
});
