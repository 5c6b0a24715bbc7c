import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { freePort, PORT_TAKEN, retryOnTakenPort } from './net';

const MISSING = 'redis-server is not installed (not found on PATH)';

/**
 * What to do with a test that starts its own redis-server: run it; skip it on a machine without
 * the binary (a developer's, where it used to crash the file with an unhandled spawn error); or,
 * with CI=true, fail it, since CI must not lose that coverage without a word.
 */
export function redisServerGate(env: NodeJS.ProcessEnv = process.env): { run: true } | { run: false; fail: boolean; reason: string } {
  const probe = spawnSync('redis-server', ['--version'], { env, stdio: 'ignore' });
  const code = (probe.error as { code?: string } | undefined)?.code;
  if (code !== 'ENOENT') return { run: true };
  const ci = /^(true|1)$/i.test(env.CI ?? '');
  return ci
    ? { run: false, fail: true, reason: `${MISSING}, and CI is set: install redis-server where CI runs the tests` }
    : { run: false, fail: false, reason: `${MISSING}: skipped; install redis-server to run them` };
}

let gate: ReturnType<typeof redisServerGate> | undefined;
function gateOnce(): ReturnType<typeof redisServerGate> {
  if (gate) return gate;
  gate = redisServerGate();
  if (!gate.run && !gate.fail) console.warn(`The tests of this file that start their own Redis are skipped: ${gate.reason}`);
  return gate;
}

/** `describe` for tests that start their own redis-server (see redisServerGate). */
export function describeWithRedisServer(name: string, body: () => void): void {
  const g = gateOnce();
  if (g.run) describe(name, body);
  else if (g.fail)
    describe(name, () =>
      it('needs redis-server', () => {
        throw new Error(g.reason);
      }),
    );
  else describe.skip(`${name} (${g.reason})`, body);
}

/** `it` for a test that starts its own redis-server (see redisServerGate). */
export function itWithRedisServer(name: string, body: () => Promise<void>, timeoutMs?: number): void {
  const g = gateOnce();
  if (g.run) it(name, body, timeoutMs);
  else if (g.fail)
    it(name, () => {
      throw new Error(g.reason);
    });
  else it.skip(`${name} (${g.reason})`, body);
}

/** How long a restart waits for its port, taken meanwhile by another program, to be free again. */
const RESTART_PORT_WAIT_MS = 10_000;

/**
 * A throwaway `redis-server` of a test's own, on a free port (never the shared
 * 6379), without persistence: a test can stop it and start it again on the same
 * port, as an operator restarting Redis would. A restarted server is empty.
 */
export class RedisProcess {
  private child: ChildProcess | undefined;
  /** what the current (or last) redis-server printed */
  private output = '';

  /** `env`: the environment redis-server is looked up in and started with (the test's own by default) */
  private constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(env: NodeJS.ProcessEnv = process.env): Promise<RedisProcess> {
    // a port free a moment ago may be taken before redis-server binds it (other programs on the machine open
    // ports all the time): a start refused for that alone is tried again on another port
    const redis = await retryOnTakenPort(
      async () => {
        const candidate = new RedisProcess(await freePort(), env);
        return candidate.launch().then(
          () => candidate,
          (error: Error) => error,
        );
      },
      (outcome) => outcome instanceof PortTakenError,
    );
    if (redis instanceof Error) throw redis;
    return redis;
  }

  /**
   * Starts the server again on its own port (the application under test holds its URL), waiting a while if another
   * program took the port meanwhile, and waits until it answers.
   */
  async start(): Promise<void> {
    const deadline = Date.now() + RESTART_PORT_WAIT_MS;
    for (;;) {
      try {
        return await this.launch();
      } catch (error) {
        if (!(error instanceof PortTakenError) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** Spawns redis-server on the port and waits until it answers, itself (not another server on that port). */
  private async launch(): Promise<void> {
    if (this.child) return;
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.env,
    });
    this.child = child;
    this.output = '';
    // a missing binary is an 'error' event, which unhandled would end the whole test file
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once('error', (error: NodeJS.ErrnoException) => (spawnError = error));
    child.stdout?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-5_000)));
    child.stderr?.on('data', (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-5_000)));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 15_000;
    // a child that never spawned (no binary) has no pid, which must not pass for "nothing answers" (no pid either)
    while (child.pid === undefined || (await this.serverPid()) !== child.pid) {
      if (spawnError) {
        this.child = undefined;
        throw new Error(spawnError.code === 'ENOENT' ? MISSING : `redis-server could not be started: ${spawnError.message}`);
      }
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        await this.stop();
        await exited; // its last words (the reason it exited) are read by then
        const message = `redis-server did not start on port ${this.port}:\n${this.output}`;
        throw this.output.includes(PORT_TAKEN.redis) ? new PortTakenError(message) : new Error(message);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stops the server (SIGKILL, as a crash would) and waits until it is gone and its port refuses connections. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** Stops the server without closing anything (SIGSTOP): its connections stay up and nothing answers. */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  /** Lets a paused server run again (SIGCONT). */
  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /**
   * The process id of the redis-server answering on the port (INFO's process_id), or undefined when nothing
   * answers there as a Redis without a password does.
   */
  private serverPid(): Promise<number | undefined> {
    return new Promise((resolve) => {
      const socket = connect(this.port, '127.0.0.1');
      let reply = '';
      const done = (pid: number | undefined): void => {
        socket.destroy();
        resolve(pid);
      };
      socket.setTimeout(1_000, () => done(undefined));
      socket.once('error', () => done(undefined));
      socket.once('close', () => done(undefined));
      socket.once('connect', () => socket.write('INFO server\r\n'));
      socket.on('data', (chunk: Buffer) => {
        reply += chunk.toString();
        if (reply.startsWith('-')) return done(undefined); // an error reply: not a Redis of ours
        const pid = /\r\nprocess_id:(\d+)\r\n/.exec(reply)?.[1];
        if (pid) done(Number(pid));
      });
    });
  }
}

class PortTakenError extends Error {}
