// Builds the server (`npm run build:server`, into dist/) and the console (`npm run build:client`,
// into client/dist/). `npm run build` always builds both; `npm start` passes --if-changed, which
// skips a part whose inputs are, byte for byte, those of its last successful build and whose
// output is still as that build left it.
//
// Each output folder holds a stamp of its last build: the Node version, a hash of every input file
// and the size of every output file. Contents are hashed, not compared by date: a git checkout or a
// copy sets dates without changing anything. The stamp is removed before a build and written only
// once the build has succeeded, so an interrupted or failed build is never taken as current.
//
// A plain Node script (not TypeScript): it runs before anything is compiled.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const STAMP_NAME = '.build-stamp.json';
/** Raised when the stamp's content changes meaning, so older stamps are not trusted. */
const STAMP_FORMAT = 1;
/** Never inputs, and slow to walk: dependencies and VCS data anywhere; build output and local state (DATA_DIR's default). */
const NEVER_WALKED_NAMES = new Set(['node_modules', '.git']);
const NEVER_WALKED_PATHS = new Set(['dist', 'client/dist', 'data', 'coverage', '.tmp']);

const PARTS = [
  { name: 'server', npmScript: 'build:server', outDir: 'dist', inputs: serverInputs },
  { name: 'console', npmScript: 'build:client', outDir: 'client/dist', inputs: consoleInputs },
];

/** What `nest build` compiles: the files tsconfig.build.json includes, and every config it reads. */
function serverInputs() {
  const configs = tsconfigChain('tsconfig.build.json');
  const include = configs.map(({ json }) => json.include).find(Array.isArray);
  if (!include) throw new Error('tsconfig.build.json has no "include" list');
  const sources = [...include, ...assetPatterns()].flatMap((pattern) => filesMatching(pattern));
  return { files: [...configs.map(({ path }) => path), 'nest-cli.json', 'package.json', 'package-lock.json', ...sources], env: {} };
}

/** The files `nest build` copies into dist beside the compiled ones (nest-cli.json's assets), as patterns from the root. */
function assetPatterns() {
  const { sourceRoot = 'src', compilerOptions = {} } = JSON.parse(readFileSync(join(ROOT, 'nest-cli.json'), 'utf8'));
  const assets = compilerOptions.assets ?? [];
  if (!Array.isArray(assets)) throw new Error("nest-cli.json's compilerOptions.assets is not a list");
  return assets.map((asset) => posix.normalize(posix.join(sourceRoot, typeof asset === 'string' ? asset : asset.include)));
}

/**
 * What `vite build` bundles: client/ (its config, tsconfig and sources), the SDK it imports, VITE_* variables,
 * and NODE_ENV (set to anything but production, vite builds React's development bundle).
 */
function consoleInputs() {
  const files = [...walk('client'), ...walk('sdk/src'), 'tsconfig.json', 'package.json', 'package-lock.json'];
  const env = Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith('VITE_') || name === 'NODE_ENV')
      .sort()
      .map((name) => [name, process.env[name]]),
  );
  return { files, env };
}

/** The tsconfig file and those it extends, nearest first (only relative "extends" occur here). */
function tsconfigChain(path) {
  const json = JSON.parse(readFileSync(join(ROOT, path), 'utf8'));
  if (typeof json.extends !== 'string') return [{ path, json }];
  if (!json.extends.startsWith('.')) throw new Error(`${path} extends "${json.extends}", which this script cannot follow`);
  return [{ path, json }, ...tsconfigChain(posix.join(posix.dirname(path), json.extends))];
}

/**
 * The files a tsconfig "include" pattern can match. Every file under the pattern's fixed leading
 * folders is taken, narrowed only by a final `*.ext`: taking a file too many costs a rebuild,
 * missing one would serve a stale build.
 */
function filesMatching(pattern) {
  const segments = pattern.split('/');
  const firstWild = segments.findIndex((segment) => /[*?]/.test(segment));
  if (firstWild === -1) return existsSync(join(ROOT, pattern)) && statSync(join(ROOT, pattern)).isDirectory() ? walk(pattern) : [pattern];
  const base = segments.slice(0, firstWild).join('/') || '.';
  const extension = /^\*(\.[^*?]+)$/.exec(segments[segments.length - 1])?.[1];
  return walk(base).filter((file) => !extension || file.endsWith(extension));
}

/** Every file under `dir` (relative to the root, '/'-separated), skipping the folders no build reads. */
function walk(dir) {
  const files = [];
  const visit = (relativeDir) => {
    let entries;
    try {
      entries = readdirSync(join(ROOT, relativeDir), { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const path = relativeDir === '.' ? entry.name : `${relativeDir}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!NEVER_WALKED_NAMES.has(entry.name) && !NEVER_WALKED_PATHS.has(path)) visit(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) files.push(path); // a link to a folder fails the hash: that part then builds
    }
  };
  visit(dir);
  return files;
}

/** path → content hash of each input (a missing input is recorded as such: creating it is a change). */
function hashInputs(files) {
  const hashes = {};
  for (const file of [...new Set(files)].sort()) {
    try {
      hashes[file] = createHash('sha256')
        .update(readFileSync(join(ROOT, file)))
        .digest('base64url');
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
      hashes[file] = 'missing';
    }
  }
  return hashes;
}

/** path → size of each file the build left in its output folder (the stamp aside). */
function outputSizes(outDir) {
  const sizes = {};
  const visit = (dir) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) visit(path);
      else if (entry.isFile() && path !== `${outDir}/${STAMP_NAME}`) sizes[path] = statSync(join(ROOT, path)).size;
    }
  };
  if (existsSync(join(ROOT, outDir))) visit(outDir);
  return sizes;
}

/** The stamp of the output folder's last completed build, or undefined when it has none (or not one this script can read). */
function readStamp(outDir) {
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(ROOT, outDir, STAMP_NAME), 'utf8'));
  } catch {
    return undefined;
  }
  const isMap = (value) => typeof value === 'object' && value !== null;
  return isMap(stamp) && isMap(stamp.inputs) && isMap(stamp.env) && isMap(stamp.outputs) ? stamp : undefined;
}

const INPUT_WORDS = { added: 'is new', removed: 'was removed', changed: 'changed' };
const OUTPUT_WORDS = { added: 'was not made by the last build', removed: 'is missing', changed: 'changed since the last build' };

/** The first difference between two path → value maps, said for a person ("src/a.ts changed (and 2 more)"). */
function firstDifference(before, now, words) {
  const paths = [...new Set([...Object.keys(before), ...Object.keys(now)])].sort();
  const differing = paths.filter((path) => before[path] !== now[path]);
  if (differing.length === 0) return undefined;
  const [path] = differing;
  const [was, is] = [before[path] ?? 'missing', now[path] ?? 'missing'];
  const what = was === 'missing' ? words.added : is === 'missing' ? words.removed : words.changed;
  return `${path} ${what}${differing.length > 1 ? ` (and ${differing.length - 1} more)` : ''}`;
}

/**
 * Whether a part must be built, and why: `{ build: false }` only when its stamp says the same Node
 * built these very inputs into the output that is there now.
 */
function decide(part, fingerprint) {
  if (!existsSync(join(ROOT, part.outDir))) return { build: true, reason: `${part.outDir}/ does not exist` };
  const stamp = readStamp(part.outDir);
  if (!stamp) return { build: true, reason: `${part.outDir}/ has no record of a completed build` };
  if (stamp.format !== STAMP_FORMAT) return { build: true, reason: `${part.outDir}/${STAMP_NAME} is from another version of this script` };
  if (stamp.node !== process.version) return { build: true, reason: `Node changed (${stamp.node} then, ${process.version} now)` };
  const input = firstDifference({ ...stamp.inputs, ...prefixed(stamp.env) }, { ...fingerprint.inputs, ...prefixed(fingerprint.env) }, INPUT_WORDS);
  if (input) return { build: true, reason: `${input} since the last build` };
  const output = firstDifference(stamp.outputs, outputSizes(part.outDir), OUTPUT_WORDS);
  if (output) return { build: true, reason: output };
  return { build: false };
}

/** Environment variables shown as inputs named `$NAME`, so a difference reads "$VITE_X changed". */
function prefixed(env) {
  return Object.fromEntries(Object.entries(env).map(([name, value]) => [`$${name}`, value]));
}

/** Runs `npm run <script>` in the root with the npm that runs this script, output shown as is. */
function npmRun(script) {
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli?.endsWith('.js') ? [process.execPath, [npmCli, 'run', script]] : ['npm', ['run', script]];
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' && command === 'npm' });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function main(argv) {
  const unknown = argv.filter((arg) => arg !== '--if-changed');
  if (unknown.length > 0) {
    console.error(`scripts/build.mjs: unknown argument ${unknown[0]} (the only one is --if-changed, which skips what is current)`);
    return 2;
  }
  const ifChanged = argv.includes('--if-changed');
  const toBuild = [];
  const upToDate = [];
  for (const part of PARTS) {
    let fingerprint;
    let decision;
    try {
      const { files, env } = part.inputs();
      fingerprint = { inputs: hashInputs(files), env };
      decision = ifChanged ? decide(part, fingerprint) : { build: true, reason: 'npm run build always builds' };
    } catch (error) {
      // build, and leave no stamp, so the next start builds again
      fingerprint = undefined;
      decision = { build: true, reason: `whether it is current cannot be told (${error.message})` };
    }
    if (decision.build) toBuild.push({ part, fingerprint, reason: decision.reason });
    else upToDate.push(part);
  }

  if (upToDate.length > 0) {
    const folders = upToDate.map((part) => `${part.outDir}/`).join(' and ');
    const names = upToDate.map((part) => part.name).join(' and ');
    console.log(`Not building the ${names}: ${folders} ${upToDate.length > 1 ? 'are' : 'is'} current for these sources (npm run build rebuilds anyway).`);
  }
  for (const { part, fingerprint, reason } of toBuild) {
    console.log(`Building the ${part.name} (${part.outDir}/): ${reason}.`);
    const stampPath = join(ROOT, part.outDir, STAMP_NAME);
    rmSync(stampPath, { force: true });
    const status = npmRun(part.npmScript);
    if (status !== 0) return status;
    if (fingerprint) {
      const stamp = { format: STAMP_FORMAT, node: process.version, ...fingerprint, outputs: outputSizes(part.outDir) };
      writeFileSync(stampPath, `${JSON.stringify(stamp, null, 1)}\n`);
    }
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
