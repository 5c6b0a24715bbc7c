import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

/**
 * The console's layout as a test: features do not import each other (routes
 * in app/ compose them), shared code (components, lib) imports no feature, and
 * the API is reached only through the generated SDK configured in lib/api.ts.
 */
const CLIENT_SRC = resolve(__dirname, '../../../client/src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

function imports(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
}

const all = files(CLIENT_SRC);
const rel = (file: string) => relative(CLIENT_SRC, file).split(sep).join('/');

describe('console structure', () => {
  it('has the app, features, shared components and lib folders', () => {
    const paths = all.map(rel);
    expect(paths).toEqual(expect.arrayContaining(['app/router.tsx', 'app/provider.tsx', 'lib/api.ts', 'lib/format-money.ts']));
    expect(paths.some((p) => /^features\/[^/]+\/api\//.test(p))).toBe(true);
    expect(paths.some((p) => /^features\/[^/]+\/components\//.test(p))).toBe(true);
  });

  it('keeps each feature to itself', () => {
    const crossings = all
      .filter((f) => rel(f).startsWith('features/'))
      .flatMap((f) => {
        const own = rel(f).split('/')[1];
        return imports(f)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => rel(resolve(join(f, '..'), spec)))
          .filter((target) => target.startsWith('features/') && target.split('/')[1] !== own)
          .map((target) => `${rel(f)} -> ${target}`);
      });
    expect(crossings).toEqual([]);
  });

  it('lets shared components and lib import no feature and no route', () => {
    const leaks = all
      .filter((f) => /^(components|lib)\//.test(rel(f)))
      .flatMap((f) =>
        imports(f)
          .filter((spec) => spec.startsWith('.'))
          .map((spec) => rel(resolve(join(f, '..'), spec)))
          .filter((target) => /^(features|app)\//.test(target))
          .map((target) => `${rel(f)} -> ${target}`),
      );
    expect(leaks).toEqual([]);
  });

  it('reaches the API only through the generated SDK', () => {
    const handWritten = all.filter((f) => /\bfetch\(|XMLHttpRequest|axios/.test(readFileSync(f, 'utf8'))).map(rel);
    expect(handWritten).toEqual([]);
    const configures = all.filter((f) => /configureLlmHub\(|client\.setConfig\(/.test(readFileSync(f, 'utf8'))).map(rel);
    expect(configures).toEqual(['lib/api.ts']);
  });

  it('formats money in one place', () => {
    // a currency format anywhere but lib/format-money.ts is a second way of writing money
    const currencyFormats = all.filter((f) => /currency\s*:|style:\s*'currency'/.test(readFileSync(f, 'utf8'))).map(rel);
    expect(currencyFormats).toEqual(['lib/format-money.ts']);
    expect(all.filter((f) => /export function formatMoney/.test(readFileSync(f, 'utf8'))).map(rel)).toEqual(['lib/format-money.ts']);
  });
});
