import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { TestApp } from '@test/support/app';
import { GatewayFixture, simulatedProviders, startGatewayFixture } from '@test/support/gateway';

const ROOT = join(__dirname, '..', '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'INTEGRATION.md'), 'utf8');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);

interface Example {
  lang: 'ts' | 'sh';
  code: string;
  line: number;
}

/** Every fenced block whose info string is `ts example` or `sh example`. */
function examples(markdown: string): Example[] {
  return [...markdown.matchAll(/^```(ts|sh) example\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1] as Example['lang'],
    code: m[2],
    line: markdown.slice(0, m.index).split('\n').length,
  }));
}

const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (...args: string[]) => (...args: unknown[]) => Promise<void>;

/** Runs a TypeScript example as a user would, with `./sdk/src/index.js` meaning this repository's SDK; returns what it printed. */
async function runTypeScript(code: string): Promise<string> {
  const js = ts.transpileModule(code, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  }).outputText;
  const printed: string[] = [];
  // the examples are run as CommonJS, so they get a real require
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const requireForExample = (id: string): unknown => (id === './sdk/src/index.js' ? require('../../../sdk/src') : require(id));
  const console = {
    log: (...args: unknown[]) => printed.push(args.map(String).join(' ')),
    error: (...args: unknown[]) => printed.push(args.map(String).join(' ')),
  };
  const proc = Object.create(process, { stdout: { value: { write: (s: string) => printed.push(s) > 0 } } });
  await new AsyncFunction('require', 'exports', 'process', 'console', js)(requireForExample, {}, proc, console);
  return printed.join('\n');
}

/** The one fenced block of `lang` in `markdown` that contains `needle`. */
function block(markdown: string, lang: string, needle: string): string {
  const found = [...markdown.matchAll(new RegExp(`^\`\`\`${lang}\n([\\s\\S]*?)^\`\`\`$`, 'gm'))].map((m) => m[1]).filter((code) => code.includes(needle));
  expect({ needle, blocks: found.length }).toEqual({ needle, blocks: 1 });
  return found[0];
}

/** The variables the markdown tells the reader to keep an API key in (`export NAME=lh_…`). */
function keyVariables(markdown: string): string[] {
  return [...markdown.matchAll(/^export ([A-Z_]+)=lh_/gm)].map((m) => m[1]);
}

/** One running LLMHub for both documents: providers on the simulator, the mock provider on too. */
let gateway: GatewayFixture;

beforeAll(async () => {
  gateway = await startGatewayFixture({ clientName: 'docs-examples' });
}, 60_000);

afterAll(() => gateway?.close());

/** docs/INTEGRATION.md's examples, run against a running LLMHub (providers on the simulator), so they cannot rot. */
describe('docs/INTEGRATION.md examples (e2e)', () => {
  let t: TestApp;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    t = gateway.app;
    env = { ...process.env, LLMHUB_URL: t.url, LLMHUB_API_KEY: gateway.apiKey };
    process.env.LLMHUB_URL = env.LLMHUB_URL;
    process.env.LLMHUB_API_KEY = env.LLMHUB_API_KEY;
  });

  it('has an example for each way in and for streaming, templates, feedback and usage', () => {
    const all = examples(DOC);
    const text = all.map((e) => e.code).join('\n');
    expect(all.length).toBeGreaterThanOrEqual(10);
    for (const needle of [
      "from './sdk/src/index.js'",
      "from 'openai'",
      "from '@anthropic-ai/sdk'",
      "from 'groq-sdk'",
      'curl ',
      'stream: true',
      'createPrompt',
      'submitGenerationFeedback',
      'getClientUsage',
    ]) {
      expect({ needle, found: text.includes(needle) }).toEqual({ needle, found: true });
    }
  });

  it.each(examples(DOC).map((e) => [`${e.lang} example at line ${e.line}`, e] as const))('runs the %s', async (_name, example) => {
    if (example.lang === 'ts') {
      const printed = await runTypeScript(example.code);
      expect(printed.length).toBeGreaterThan(0);
    } else {
      const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', example.code], { env, cwd: ROOT });
      expect(stdout.length).toBeGreaterThan(0);
    }
  });

  it("prints an Anthropic stream's cost, which the SDK's finalMessage() does not keep", async () => {
    const printed = await runTypeScript(block(DOC, 'ts example', 'anthropic.messages.stream('));
    expect(printed).toMatch(/\ncost 0\.\d*[1-9]/);
  });
});

/**
 * README.md's "Using it", followed in one shell as a newcomer does after `npm start` (the mock
 * provider on): the key kept in the variable the README exports, then hello.mjs and the curl as
 * written, and on to docs/ with the same variable.
 */
describe('README.md examples (e2e)', () => {
  const dir = join(ROOT, '.tmp', `readme-${process.pid}`);

  beforeAll(() => mkdirSync(dir, { recursive: true }));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** The environment of the README's second terminal: only the key it exports, nothing left from this process. */
  function readmeShell(): NodeJS.ProcessEnv {
    const [name] = keyVariables(README);
    const env: NodeJS.ProcessEnv = { ...process.env, [name]: gateway.apiKey };
    for (const other of ['LLMHUB_URL', 'LLMHUB_API_KEY', 'LLMHUB_KEY']) if (other !== name) delete env[other];
    return env;
  }

  const onThisServer = (code: string): string => code.replaceAll('http://localhost:4000', gateway.app.url).replaceAll('localhost:4000', gateway.app.url);

  it('keeps the key in the variable that docs/INTEGRATION.md and sdk/README.md read', () => {
    const [name, ...more] = keyVariables(README);
    expect(more).toEqual([]);
    expect(keyVariables(DOC)).toContain(name);
    expect(readFileSync(join(ROOT, 'sdk', 'README.md'), 'utf8')).toContain(`process.env.${name}`);
  });

  it('runs hello.mjs as written and prints what its comment says', async () => {
    const code = block(README, 'js', "from 'openai'");
    const promised = /console\.log\(.*\); \/\/ (.+)$/m.exec(code)?.[1];
    expect(promised).toBe('Echo: Write a tagline for our spring sale');
    // in the checkout, as the README says, so `openai` is found in its node_modules
    const file = join(dir, 'hello.mjs');
    writeFileSync(file, onThisServer(code));
    const { stdout } = await run(process.execPath, [file], { env: readmeShell(), cwd: ROOT });
    expect(stdout.trim()).toBe(promised);
  });

  it("runs the curl to LLMHub's own API and answers the fields the README names", async () => {
    const curl = onThisServer(block(README, 'sh', '/api/v1/llm/generate'));
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', curl], { env: readmeShell(), cwd: ROOT });
    const answer = JSON.parse(stdout) as Record<string, unknown>;
    expect(answer).toMatchObject({ provider: 'mock', model: 'mock/echo', content: 'Echo: Hello', cost_usd: '0' });
    for (const field of ['request_id', 'provider', 'model', 'input_tokens', 'output_tokens', 'cost_usd', 'generation_time_ms']) {
      expect(README).toContain(`\`${field}\``);
      expect({ field, present: field in answer }).toEqual({ field, present: true });
    }
  });

  it('points the three providers at the simulator as the test suite does', () => {
    const command = block(README, 'sh', 'npm run start:prod');
    const set = Object.fromEntries([...command.matchAll(/([A-Z_]+)=(\S+)/g)].map((m) => [m[1], m[2]]));
    const expected = simulatedProviders('http://127.0.0.1:4010');
    expect(Object.keys(set).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected).filter((n) => n.endsWith('_BASE_URL'))) expect({ name, url: set[name] }).toEqual({ name, url: expected[name] });
    expect(README).toContain('`http://127.0.0.1:4010`');
  });
});
