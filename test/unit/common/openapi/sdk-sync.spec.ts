import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { buildOpenApiDocument, serializeOpenApiDocument } from '@src/common/openapi/openapi-document';

const ROOT = join(__dirname, '..', '..', '..', '..');
const COMMITTED_DOCUMENT = join(ROOT, 'sdk', 'openapi.json');
const COMMITTED_SDK = join(ROOT, 'sdk', 'src', 'generated');
const STALE = 'run `npm run openapi` and commit sdk/openapi.json and sdk/src/generated';

function filesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path, 'utf8'));
    }
  };
  walk(dir);
  return files;
}

/** The committed document and SDK are what the code produces; CI fails when either is stale. */
describe('the committed OpenAPI document and generated SDK', () => {
  it('sdk/openapi.json equals the document built from the code', async () => {
    const built = serializeOpenApiDocument(await buildOpenApiDocument());
    const committed = readFileSync(COMMITTED_DOCUMENT, 'utf8');
    if (built !== committed) throw new Error(`sdk/openapi.json is stale: ${STALE}`);
  });

  it('sdk/src/generated equals what the generator makes of sdk/openapi.json', () => {
    const out = mkdtempSync(join(tmpdir(), 'llmhub-sdk-'));
    try {
      execFileSync(join(ROOT, 'node_modules', '.bin', 'openapi-ts'), ['-f', 'sdk/openapi-ts.config.mjs', '-o', out, '-s'], { cwd: ROOT, stdio: 'pipe' });
      const generated = filesUnder(out);
      const committed = filesUnder(COMMITTED_SDK);
      expect([...committed.keys()].sort()).toEqual([...generated.keys()].sort());
      const differing = [...generated].filter(([file, text]) => committed.get(file) !== text).map(([file]) => file);
      if (differing.length > 0) throw new Error(`sdk/src/generated is stale (${differing.join(', ')}): ${STALE}`);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);
});
