import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './net';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Builds dist/ when it is missing or older than any server source file. */
export function ensureServerBuilt(): void {
  // bench/ too: seed:usage is run from dist/bench
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'migrations')), newestMtime(join(ROOT, 'bench')));
  if (mtimeOf(MAIN) > sources) return;
  const started = Date.now() - 1_000;
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  // tsc still emits when someone else's file has a type error; only a missing output is fatal
  if (mtimeOf(MAIN) < started) throw new Error(`Building the server failed:\n${tsc.stdout}\n${tsc.stderr}`);
}

export interface ServerProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** the last 20,000 characters the process printed, for failure messages */
  output(): string;
  /** everything the process printed (stdout and stderr) */
  fullOutput(): string;
  /** SIGKILL, then wait for the exit */
  kill9(): Promise<void>;
  /** SIGTERM (graceful), SIGKILL after a grace period */
  stop(): Promise<void>;
}

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';

/**
 * Starts `node dist/src/main.js` as a real child process and waits for
 * /health/ready. Only what the test passes (plus PATH/HOME and REDIS_URL when
 * the run has one) reaches the child, so no provider key leaks in.
 */
export async function startServer(
  env: { DATABASE_URL: string; DATA_DIR: string; PORT?: number },
  /** more variables for the child (provider keys and base URLs, LOG_LEVEL…), over the defaults */
  extraEnv: Record<string, string> = {},
): Promise<ServerProcess> {
  if (env.PORT !== undefined) return startServerOn(env.PORT, env, extraEnv);
  // a port free a moment ago may be taken before the server binds it (other tests, other programs on the machine
  // open ports all the time): a start refused for that alone is tried again on another port
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServerOn(await freePort(), env, extraEnv);
    } catch (error) {
      if (!(error instanceof PortTakenError) || attempt === 3) throw error;
    }
  }
}

class PortTakenError extends Error {}

async function startServerOn(port: number, env: { DATABASE_URL: string; DATA_DIR: string }, extraEnv: Record<string, string>): Promise<ServerProcess> {
  const childEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    NODE_ENV: 'production',
    DATABASE_URL: env.DATABASE_URL,
    DATA_DIR: env.DATA_DIR,
    PORT: String(port),
    HOST: '127.0.0.1',
    ADMIN_TOKEN,
    LLMHUB_SECRET: 'e2e-secret-0123456789abcdef0123456789abcdef',
    MOCK_PROVIDER: 'on',
    LOG_LEVEL: 'warn',
  };
  if (process.env.REDIS_URL) childEnv.REDIS_URL = process.env.REDIS_URL;
  Object.assign(childEnv, extraEnv);
  const child = spawn(process.execPath, [MAIN], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  const append = (chunk: Buffer): void => {
    chunks.push(chunk);
  };
  const all = (): string => Buffer.concat(chunks).toString();
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const server: ServerProcess = {
    url,
    port,
    child,
    output: () => all().slice(-20_000),
    fullOutput: all,
    kill9: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };

  const deadline = Date.now() + 45_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const how = child.signalCode !== null ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`;
      const message = `The server exited (${how}) before it was ready:\n${all().slice(-20_000)}`;
      throw all().includes('the port is already in use') ? new PortTakenError(message) : new Error(message);
    }
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.kill9();
      throw new Error(`The server was not ready within 45 s:\n${all().slice(-20_000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A client and one API key, through the admin API. */
export async function createClientKey(url: string, body: Record<string, unknown> = {}): Promise<{ clientId: string; key: string }> {
  const headers = { Authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  const client = await fetch(`${url}/api/admin/clients`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: `load-${Math.random().toString(36).slice(2)}`, ...body }),
  });
  if (client.status !== 201) throw new Error(`creating a client answered ${client.status}: ${await client.text()}`);
  const { id } = (await client.json()) as { id: string };
  const key = await fetch(`${url}/api/admin/clients/${id}/keys`, { method: 'POST', headers, body: JSON.stringify({ name: 'load' }) });
  if (key.status !== 201) throw new Error(`creating a key answered ${key.status}: ${await key.text()}`);
  return { clientId: id, key: ((await key.json()) as { key: string }).key };
}

export interface LoadResult {
  /** request ids of complete 200 responses (streams: only those whose [DONE] arrived), with when they arrived */
  received: { id: string; at: number; stream: boolean }[];
  /** non-200 statuses seen, by status */
  refused: Map<number, number>;
  /** transport failures (connection refused or cut mid-response) */
  failures: number;
}

/**
 * Concurrent loops of generate calls (and some streaming chat completions)
 * until `until` resolves; each loop finishes the call it has in flight.
 */
export function runLoad(opts: { url: string; key: string; loops: number; streamLoops: number; until: Promise<void> }): {
  live: LoadResult;
  done: Promise<LoadResult>;
} {
  const result: LoadResult = { received: [], refused: new Map(), failures: 0 };
  let stopped = false;
  void opts.until.then(() => (stopped = true));
  const headers = { 'x-api-key': opts.key, 'content-type': 'application/json' };

  const generate = async (): Promise<void> => {
    const res = await fetch(`${opts.url}/api/v1/llm/generate`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ prompt: 'durability probe', model: 'mock/echo' }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text(); // throws when the connection is cut mid-body
    if (res.status !== 200) {
      result.refused.set(res.status, (result.refused.get(res.status) ?? 0) + 1);
      return;
    }
    const body = JSON.parse(text) as { request_id: string };
    result.received.push({ id: body.request_id, at: Date.now(), stream: false });
  };

  const stream = async (): Promise<void> => {
    const res = await fetch(`${opts.url}/v1/chat/completions`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: 'mock/echo', stream: true, messages: [{ role: 'user', content: 'durability stream probe' }] }),
      signal: AbortSignal.timeout(20_000),
    });
    const text = await res.text();
    if (res.status !== 200) {
      result.refused.set(res.status, (result.refused.get(res.status) ?? 0) + 1);
      return;
    }
    // only a stream whose final event arrived counts as a received response
    if (!text.includes('data: [DONE]')) {
      result.failures++;
      return;
    }
    result.received.push({ id: res.headers.get('x-request-id')!, at: Date.now(), stream: true });
  };

  const loop = async (call: () => Promise<void>): Promise<void> => {
    while (!stopped) {
      try {
        await call();
      } catch {
        result.failures++;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };

  const done = Promise.all([...Array.from({ length: opts.loops }, () => loop(generate)), ...Array.from({ length: opts.streamLoops }, () => loop(stream))]).then(
    () => result,
  );
  return { live: result, done };
}

/**
 * One call of each kind before the load: the first generation of a process
 * loads the tokenizer (about a second), which would otherwise eat the load window.
 */
export async function warmUp(url: string, key: string): Promise<void> {
  // `until` already resolved: each loop makes exactly one call
  const probe = runLoad({ url, key, loops: 1, streamLoops: 1, until: Promise.resolve() });
  const result = await probe.done;
  if (result.received.length !== 2) throw new Error(`warm-up calls failed: ${JSON.stringify({ ...result, refused: Object.fromEntries(result.refused) })}`);
}
