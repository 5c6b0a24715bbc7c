import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pollUntil } from '../support/poll';

const ROOT = join(__dirname, '..', '..');
const REAL_SCRIPTS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/**
 * Stands in for `nest build` and `vite build`: writes the part's output from its sources (so the
 * started "server" prints what its source says) and logs that it ran. FAKE_BUILD_FAIL=<part> makes
 * it fail after writing part of its output, as an interrupted build would.
 */
const FAKE_BUILD = `
const { appendFileSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const part = process.argv[2];
appendFileSync('builds.log', part + '\\n');
if (part === 'server') {
  mkdirSync('dist/src', { recursive: true });
  writeFileSync('dist/src/main.js', readFileSync('src/main.ts'));
} else {
  mkdirSync('client/dist/assets', { recursive: true });
  writeFileSync('client/dist/index.html', readFileSync('client/index.html'));
}
if (process.env.FAKE_BUILD_FAIL === part) process.exit(1);
if (part === 'server') writeFileSync('dist/src/cli.js', '');
else writeFileSync('client/dist/assets/app.js', readFileSync('client/src/main.tsx'));
`;

/** The files each build reads in this repository, in miniature. */
const SOURCES: Record<string, string> = {
  'src/main.ts': "process.stdout.write('main ran\\n');\n",
  'src/llm/llm.service.ts': 'export const llm = 1;\n',
  'migrations/1700000000000-Init.ts': 'export const init = 1;\n',
  'bench/run.ts': 'export const run = 1;\n',
  'test/support/net.ts': 'export const net = 1;\n',
  'test/support/provider-simulator/main.ts': 'export const simulator = 1;\n',
  'test/e2e/some.e2e-spec.ts': 'export const spec = 1;\n',
  'client/index.html': '<!doctype html><title>LLMHub console</title>\n',
  'client/src/main.tsx': 'export const app = 1;\n',
  'client/vite.config.ts': 'export default {};\n',
  'client/tsconfig.json': '{}\n',
  'sdk/src/index.ts': 'export const sdk = 1;\n',
  'docs/API.md': '# API\n',
  'README.md': '# LLMHub\n',
  'package-lock.json': '{ "lockfileVersion": 3 }\n',
};

/** A copy of the project's build inputs with this repository's start/build scripts and fake builds. */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmhub-npm-start-'));
  for (const [path, text] of Object.entries(SOURCES)) write(dir, path, text);
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'scripts/build.mjs']) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  write(dir, 'fake-build.cjs', FAKE_BUILD);
  const scripts = {
    build: REAL_SCRIPTS.build,
    start: REAL_SCRIPTS.start,
    'build:server': 'node fake-build.cjs server',
    'build:client': 'node fake-build.cjs console',
  };
  write(dir, 'package.json', JSON.stringify({ name: 'llmhub-copy', private: true, scripts }, null, 2));
  return dir;
}

function write(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function npmEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '',
    npm_config_update_notifier: 'false',
    ...env,
  };
}

/** `npm <args>` in the project as an operator runs it (this Node first on the PATH). */
function npm(dir: string, args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', args, {
    cwd: dir,
    env: npmEnv(env),
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The builds that ran since the last call, in order. */
function buildsSince(dir: string, seen: { count: number }): string[] {
  const all = existsSync(join(dir, 'builds.log')) ? readFileSync(join(dir, 'builds.log'), 'utf8').split('\n').filter(Boolean) : [];
  const fresh = all.slice(seen.count);
  seen.count = all.length;
  return fresh;
}

const BOTH_CURRENT = 'Not building the server and console: dist/ and client/dist/ are current for these sources (npm run build rebuilds anyway).';

describe('npm start builds only what changed since its last build', () => {
  let dir: string;
  let seen: { count: number };

  beforeEach(() => {
    dir = makeProject();
    seen = { count: 0 };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The project as after a first `npm start`: both parts built and stamped. */
  function builtOnce(): void {
    const first = npm(dir, ['start']);
    expect(first.status).toBe(0);
    expect(buildsSince(dir, seen)).toEqual(['server', 'console']);
  }

  it('the first start builds both parts; the second builds neither, says so in one line, and starts the server', () => {
    const first = npm(dir, ['start']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('Building the server (dist/): dist/ does not exist.');
    expect(first.stdout).toContain('Building the console (client/dist/): client/dist/ does not exist.');
    expect(first.stdout).toContain('main ran');
    expect(buildsSince(dir, seen)).toEqual(['server', 'console']);

    const second = npm(dir, ['start']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain(BOTH_CURRENT);
    expect(second.stdout).not.toContain('Building');
    expect(second.stdout).toContain('main ran');
    expect(buildsSince(dir, seen)).toEqual([]);
  });

  it('a changed server source rebuilds the server alone, names the file, and the start runs the new build', () => {
    builtOnce();
    write(dir, 'src/main.ts', "process.stdout.write('main ran, second version\\n');\n");

    const run = npm(dir, ['start']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Not building the console: client/dist/ is current for these sources');
    expect(run.stdout).toContain('Building the server (dist/): src/main.ts changed since the last build.');
    expect(run.stdout).toContain('main ran, second version');
    expect(buildsSince(dir, seen)).toEqual(['server']);
  });

  it.each([
    ['a changed server source in a subfolder', 'src/llm/llm.service.ts', 'server'],
    ['a changed migration', 'migrations/1700000000000-Init.ts', 'server'],
    ['a new migration', 'migrations/1800000000000-AddThing.ts', 'server'],
    ['a changed bench file', 'bench/run.ts', 'server'],
    ['a changed provider simulator', 'test/support/provider-simulator/main.ts', 'server'],
    ['a change to the file tsconfig.build.json names alone', 'test/support/net.ts', 'server'],
    ['a changed tsconfig.build.json', 'tsconfig.build.json', 'server'],
    ['a changed nest-cli.json', 'nest-cli.json', 'server'],
    ['a changed console source', 'client/src/main.tsx', 'console'],
    ['a new console file', 'client/src/theme.css', 'console'],
    ['a changed console page', 'client/index.html', 'console'],
    ['a changed vite config', 'client/vite.config.ts', 'console'],
    ['a changed SDK (the console imports it)', 'sdk/src/index.ts', 'console'],
  ])('%s (%s) rebuilds the %s alone', (_what, path, part) => {
    builtOnce();
    // a trailing newline changes the content, and keeps a JSON file valid
    if (existsSync(join(dir, path))) appendFileSync(join(dir, path), '\n');
    else write(dir, path, 'export const added = 1;\n');

    const run = npm(dir, ['start']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Building the ${part} \\(.*\\): ${path.replace(/\./g, '\\.')} (changed|is new) since the last build\\.$`, 'm'));
    expect(buildsSince(dir, seen)).toEqual([part]);
  });

  it.each([
    ['package-lock.json (other dependencies)', 'package-lock.json'],
    ['tsconfig.json (the server extends it; the SDK files have no nearer one)', 'tsconfig.json'],
  ])('a changed %s rebuilds both', (_what, path) => {
    builtOnce();
    appendFileSync(join(dir, path), '\n');

    const run = npm(dir, ['start']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Building the server (dist/): ${path} changed since the last build.`);
    expect(run.stdout).toContain(`Building the console (client/dist/): ${path} changed since the last build.`);
    expect(buildsSince(dir, seen)).toEqual(['server', 'console']);
  });

  it('a file nest build copies as an asset (nest-cli.json assets, not TypeScript) rebuilds the server when it changes', () => {
    const nestCli = JSON.parse(readFileSync(join(dir, 'nest-cli.json'), 'utf8')) as { compilerOptions: Record<string, unknown> };
    nestCli.compilerOptions.assets = ['**/*.html', { include: 'i18n/**/*', watchAssets: true }];
    write(dir, 'nest-cli.json', JSON.stringify(nestCli, null, 2));
    write(dir, 'src/mail/welcome.html', '<p>Welcome</p>\n');
    write(dir, 'src/i18n/en.json', '{}\n');
    builtOnce();

    for (const path of ['src/mail/welcome.html', 'src/i18n/en.json']) {
      appendFileSync(join(dir, path), '\n');
      const run = npm(dir, ['start']);
      expect(run.status).toBe(0);
      expect(run.stdout).toContain(`Building the server (dist/): ${path} changed since the last build.`);
      expect(buildsSince(dir, seen)).toEqual(['server']);
    }
  });

  it('a VITE_ variable the console could embed rebuilds the console when it changes', () => {
    builtOnce();
    const run = npm(dir, ['start'], { VITE_BANNER: 'staging' });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Building the console (client/dist/): $VITE_BANNER is new since the last build.');
    expect(buildsSince(dir, seen)).toEqual(['console']);
  });

  it('a start under another NODE_ENV rebuilds the console (vite builds React for development unless it is production)', () => {
    builtOnce();
    const development = npm(dir, ['start'], { NODE_ENV: 'development' });
    expect(development.status).toBe(0);
    expect(development.stdout).toContain('Building the console (client/dist/): $NODE_ENV is new since the last build.');
    expect(buildsSince(dir, seen)).toEqual(['console']);

    const production = npm(dir, ['start'], { NODE_ENV: 'production' });
    expect(production.stdout).toContain('Building the console (client/dist/): $NODE_ENV changed since the last build.');
    expect(buildsSince(dir, seen)).toEqual(['console']);
  });

  it('files no build reads (tests, docs, README) changed, or sources only touched, rebuild nothing', () => {
    builtOnce();
    for (const path of ['test/e2e/some.e2e-spec.ts', 'docs/API.md', 'README.md']) appendFileSync(join(dir, path), '\n');
    // a git checkout or a copy gives unchanged files new dates
    const later = new Date(Date.now() + 3_600_000);
    for (const path of Object.keys(SOURCES)) utimesSync(join(dir, path), later, later);

    const run = npm(dir, ['start']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(BOTH_CURRENT);
    expect(buildsSince(dir, seen)).toEqual([]);
  });

  it('a missing or altered output rebuilds its part', () => {
    builtOnce();
    rmSync(join(dir, 'dist'), { recursive: true });
    let run = npm(dir, ['start']);
    expect(run.stdout).toContain('Building the server (dist/): dist/ does not exist.');
    expect(buildsSince(dir, seen)).toEqual(['server']);

    rmSync(join(dir, 'client', 'dist', 'assets', 'app.js'));
    run = npm(dir, ['start']);
    expect(run.stdout).toContain('Building the console (client/dist/): client/dist/assets/app.js is missing.');
    expect(buildsSince(dir, seen)).toEqual(['console']);

    appendFileSync(join(dir, 'dist', 'src', 'cli.js'), 'edited by hand\n');
    run = npm(dir, ['start']);
    expect(run.stdout).toContain('Building the server (dist/): dist/src/cli.js changed since the last build.');
    expect(buildsSince(dir, seen)).toEqual(['server']);
    expect(run.status).toBe(0);
  });

  it('a build that fails part-way stops the start, and is not taken as current by the next one', () => {
    builtOnce();
    write(dir, 'src/main.ts', "process.stdout.write('main ran, second version\\n');\n");

    const failed = npm(dir, ['start'], { FAKE_BUILD_FAIL: 'server' });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).not.toContain('main ran');
    expect(buildsSince(dir, seen)).toEqual(['server']);
    // the part it wrote is there, from the new sources: only the missing stamp tells it is incomplete
    expect(readFileSync(join(dir, 'dist', 'src', 'main.js'), 'utf8')).toContain('second version');

    const next = npm(dir, ['start']);
    expect(next.status).toBe(0);
    expect(next.stdout).toContain('Building the server (dist/): dist/ has no record of a completed build.');
    expect(next.stdout).toContain('main ran, second version');
    expect(buildsSince(dir, seen)).toEqual(['server']);
  });

  it('a build made with another Node version rebuilds', () => {
    builtOnce();
    const stampPath = join(dir, 'dist', '.build-stamp.json');
    const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { node: string };
    writeFileSync(stampPath, JSON.stringify({ ...stamp, node: 'v18.20.0' }));

    const run = npm(dir, ['start']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Building the server (dist/): Node changed (v18.20.0 then, ${process.version} now).`);
    expect(buildsSince(dir, seen)).toEqual(['server']);
  });

  it('npm run build always builds both, and leaves them current for the next npm start', () => {
    builtOnce();
    const build = npm(dir, ['run', 'build']);
    expect(build.status).toBe(0);
    expect(build.stdout).toContain('Building the server (dist/): npm run build always builds.');
    expect(buildsSince(dir, seen)).toEqual(['server', 'console']);

    const start = npm(dir, ['start']);
    expect(start.stdout).toContain(BOTH_CURRENT);
    expect(buildsSince(dir, seen)).toEqual([]);
  });

  it('a SIGTERM to npm start reaches the server itself, as a process supervisor stopping it sends one', async () => {
    builtOnce();
    // a "server" that stays up until it is told to stop, and writes down what stopped it
    const stoppable = [
      "const { writeFileSync } = require('node:fs');",
      "process.on('SIGTERM', () => { writeFileSync('stopped', 'SIGTERM'); process.exit(0); });",
      "writeFileSync('listening', String(process.pid));",
      'setInterval(() => {}, 1000);',
    ];
    write(dir, 'src/main.ts', stoppable.join('\n') + '\n');
    const start = spawn('npm', ['start'], { cwd: dir, env: npmEnv({}), stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => start.once('exit', (code) => resolve(code)));
    let serverPid = 0;
    let gone = false;
    try {
      serverPid = Number(
        await pollUntil(
          () => (existsSync(join(dir, 'listening')) ? readFileSync(join(dir, 'listening'), 'utf8') : ''),
          (pid) => pid !== '',
          { timeoutMs: 30_000 },
        ),
      );
      start.kill('SIGTERM');
      await pollUntil(() => existsSync(join(dir, 'stopped')), Boolean, { timeoutMs: 15_000 });
      expect(readFileSync(join(dir, 'stopped'), 'utf8')).toBe('SIGTERM');
      await exited;
      expect(() => process.kill(serverPid, 0)).toThrow();
      gone = true; // its number may be another process's by now: never signal it again
    } finally {
      start.kill('SIGKILL');
      // whatever failed above, a server still running is not left behind
      const pid = serverPid || (existsSync(join(dir, 'listening')) ? Number(readFileSync(join(dir, 'listening'), 'utf8')) : 0);
      if (pid && !gone) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  }, 60_000);

  it('an argument the build script does not know stops it with a message naming the argument, building nothing', () => {
    const run = spawnSync(process.execPath, [join(dir, 'scripts', 'build.mjs'), '--if-changd'], { cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown argument --if-changd (the only one is --if-changed');
    expect(buildsSince(dir, seen)).toEqual([]);
  });
});
