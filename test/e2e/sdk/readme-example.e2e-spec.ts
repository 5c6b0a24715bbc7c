import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApiClient, createApiKey, createLlmHubClient } from '../../../sdk/src';
import { startTestApp, TestApp } from '@test/support/app';

const ROOT = join(__dirname, '..', '..', '..');
const README = readFileSync(join(ROOT, 'sdk', 'README.md'), 'utf8');
const run = promisify(execFile);

/** The README's one TypeScript block and the commands of its `sh` block, as a reader copies them. */
function readmeExample(): { code: string; commands: string[][] } {
  const code = [...README.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  const sh = [...README.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  expect({ ts: code.length, sh: sh.length }).toEqual({ ts: 1, sh: 1 });
  return {
    code: code[0],
    commands: sh[0]
      .trim()
      .split('\n')
      .map((line) => line.split(' ')),
  };
}

/**
 * sdk/README.md followed literally: its example saved as example.mts beside a copy of sdk/src, compiled
 * and run with its own commands against a running LLMHub, prints what the README says it prints.
 */
describe('sdk/README.md example (e2e)', () => {
  let t: TestApp;
  // under the checkout, so `--types node` finds @types/node as it does from the root
  const dir = join(ROOT, '.tmp', `sdk-readme-${process.pid}`);

  beforeAll(async () => {
    t = await startTestApp({ MOCK_PROVIDER: 'on' });
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  it('compiles with the README command and prints the answer, the clients and the logged calls', async () => {
    const admin = createLlmHubClient({ baseUrl: t.url, adminToken: t.adminToken });
    const created = await createApiClient({ client: admin, body: { name: 'my-app' }, throwOnError: true });
    const key = await createApiKey({ client: admin, path: { id: created.data.id }, body: {}, throwOnError: true });

    const { code, commands } = readmeExample();
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, 'sdk', 'src'), join(dir, 'sdk', 'src'), { recursive: true });
    writeFileSync(join(dir, 'example.mts'), code);
    const env = { ...process.env, LLMHUB_URL: t.url, LLMHUB_API_KEY: key.data.key, LLMHUB_ADMIN_TOKEN: t.adminToken };
    const [compile, start] = commands;
    expect(compile.slice(0, 2)).toEqual(['npx', 'tsc']);
    await run(join(ROOT, 'node_modules', '.bin', 'tsc'), compile.slice(2), { cwd: dir, env });
    expect(start[0]).toBe('node');
    const { stdout } = await run(process.execPath, start.slice(1), { cwd: dir, env });

    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Echo: Hello \(0 USD, request [0-9a-f-]{36}\)$/);
    expect(lines[1]).toBe("[ 'my-app' ]");
    expect(lines[2]).toBe('calls logged: 1');
  }, 120_000);

  it('throws the error, with its code and request id, when the key is wrong', async () => {
    const env = { ...process.env, LLMHUB_URL: t.url, LLMHUB_API_KEY: 'lh_wrong', LLMHUB_ADMIN_TOKEN: '' };
    // the example compiled by the test above
    const failed = await run(process.execPath, readmeExample().commands[1].slice(1), { cwd: dir, env }).catch((e: { stderr: string }) => e);
    expect('stderr' in failed && failed.stderr).toMatch(/Error: 401 invalid_api_key: The API key is not a valid LLMHub API key \(request [0-9a-f-]{36}\)/);
  });
});
