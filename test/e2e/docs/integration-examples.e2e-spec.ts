import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { TestApp } from '@test/support/app';
import { GatewayFixture, startGatewayFixture } from '@test/support/gateway';

const ROOT = join(__dirname, '..', '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'INTEGRATION.md'), 'utf8');
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

/** docs/INTEGRATION.md's examples, run against a running LLMHub (providers on the simulator), so they cannot rot. */
describe('docs/INTEGRATION.md examples (e2e)', () => {
  let gateway: GatewayFixture;
  let t: TestApp;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    gateway = await startGatewayFixture({ clientName: 'docs-examples' });
    t = gateway.app;
    env = { ...process.env, LLMHUB_URL: t.url, LLMHUB_API_KEY: gateway.apiKey };
    process.env.LLMHUB_URL = env.LLMHUB_URL;
    process.env.LLMHUB_API_KEY = env.LLMHUB_API_KEY;
  }, 60_000);

  afterAll(() => gateway?.close());

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
});
