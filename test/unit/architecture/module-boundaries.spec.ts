import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The module rules of docs/ARCHITECTURE.md as a test: modules talk through exported services, dependencies
 * point one way, and repositories stay inside their module.
 */
const SRC = resolve(__dirname, '../../../src');
const FEATURES = ['auth', 'llm', 'prompts', 'billing', 'admin', 'health'] as const;
type Feature = (typeof FEATURES)[number];

/** Which feature modules each feature may import (docs/ARCHITECTURE.md, Shape). */
const ALLOWED: Record<Feature, readonly Feature[]> = {
  billing: [],
  prompts: ['billing'],
  auth: ['billing'],
  llm: ['auth', 'prompts', 'billing'],
  admin: ['auth', 'llm', 'prompts', 'billing'],
  health: ['auth', 'billing'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|require\('(\.[^']+)'\)/g)].map((m) => m[1] ?? m[2]);
  return specifiers.map((s) => relative(SRC, resolve(dirname(file), s)));
}

function featureOf(pathInSrc: string): Feature | undefined {
  const top = pathInSrc.split('/')[0] as Feature;
  return FEATURES.includes(top) ? top : undefined;
}

const files = sourceFiles(SRC).map((file) => ({ file: relative(SRC, file), imports: importsOf(file) }));

describe('module boundaries', () => {
  it('finds the source tree and reads its imports', () => {
    expect(files.length).toBeGreaterThan(100);
    // a known edge, so a broken import parser cannot pass the checks below vacuously
    expect(files.find((f) => f.file === 'llm/llm.module.ts')?.imports).toContain('auth/auth.module');
  });

  it('keeps feature dependencies pointing one way (no cycles)', () => {
    const violations = files.flatMap(({ file, imports }) => {
      const from = featureOf(file);
      if (!from) return [];
      return imports.flatMap((target) => {
        const to = featureOf(target);
        return to && to !== from && !ALLOWED[from].includes(to) ? [`${file} → ${target}`] : [];
      });
    });
    expect(violations).toEqual([]);
  });

  it('never imports another module’s repositories', () => {
    const violations = files.flatMap(({ file, imports }) =>
      imports.filter((target) => /\.repository$/.test(target) && featureOf(target) !== featureOf(file)).map((target) => `${file} → ${target}`),
    );
    expect(violations).toEqual([]);
  });

  it('lets common/, config/ and database/ depend on no feature module except through documented ports', () => {
    // config/ parses PRICE_OVERRIDES with the pricing module's parser, and reads the built-in providers' names and
    // environment variables from their descriptors (plain data, no SDK); database/ lists every entity and is not checked
    const ports = new Set(['llm/pricing/pricing.service', 'llm/providers/builtin-providers']);
    const violations = files.flatMap(({ file, imports }) => {
      const top = file.split('/')[0];
      if (!['common', 'config'].includes(top)) return [];
      return imports.filter((target) => featureOf(target) && !ports.has(target)).map((target) => `${file} → ${target}`);
    });
    expect(violations).toEqual([]);
  });
});
