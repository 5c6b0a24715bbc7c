import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Services hold the rules, repositories hold the SQL (docs/ARCHITECTURE.md): a
 * *.service.ts reads and writes through its module's repositories, so it never
 * takes a connection, a manager or a TypeORM repository, and never runs SQL itself.
 */
const SRC = resolve(__dirname, '../../../src');

/** What gives a class direct access to the database. */
const DATABASE_HANDLES = new Set(['DataSource', 'EntityManager', 'Repository', 'QueryRunner']);
const DATABASE_INJECTIONS = new Set(['InjectDataSource', 'InjectEntityManager', 'InjectRepository']);
const DATABASE_CALLS = /\.(query|createQueryBuilder|createQueryRunner|getRepository)\s*\(/;

function filesEndingWith(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesEndingWith(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

function namedImports(text: string, from: string): string[] {
  const pattern = new RegExp(`import\\s+(?:type\\s+)?\\{([^}]*)\\}\\s*from\\s*'${from}'`, 'g');
  return [...text.matchAll(pattern)].flatMap((m) =>
    m[1]
      .split(',')
      .map((name) =>
        name
          .replace(/^\s*type\s+/, '')
          .split(/\s+as\s+/)[0]
          .trim(),
      )
      .filter(Boolean),
  );
}

/** Each way the source reaches the database directly, described; empty when it goes through repositories only. */
function databaseAccess(text: string): string[] {
  const found: string[] = [];
  for (const name of namedImports(text, 'typeorm')) if (DATABASE_HANDLES.has(name)) found.push(`imports ${name} from typeorm`);
  for (const name of namedImports(text, '@nestjs/typeorm')) if (DATABASE_INJECTIONS.has(name)) found.push(`uses @${name}()`);
  if (/import\s+\*\s+as\s+\w+\s+from\s+'typeorm'/.test(text)) found.push('imports typeorm as a namespace');
  text.split('\n').forEach((line, i) => {
    const call = DATABASE_CALLS.exec(line);
    if (call) found.push(`line ${i + 1} calls .${call[1]}()`);
  });
  return found;
}

const services = filesEndingWith(SRC, '.service.ts').map((file) => ({ file: relative(SRC, file), access: databaseAccess(readFileSync(file, 'utf8')) }));

describe('layers: services go through repositories', () => {
  it('finds the services and recognises each kind of direct access', () => {
    expect(services.length).toBeGreaterThan(30);
    // the detector on known-bad text, so a broken pattern cannot pass the check below vacuously
    expect(databaseAccess(`import { DataSource, In } from 'typeorm';`)).toEqual(['imports DataSource from typeorm']);
    expect(databaseAccess(`import type { EntityManager as M } from 'typeorm';`)).toEqual(['imports EntityManager from typeorm']);
    expect(databaseAccess(`import { InjectRepository } from '@nestjs/typeorm';`)).toEqual(['uses @InjectRepository()']);
    expect(databaseAccess(`const rows = await this.rows.query('SELECT 1');`)).toEqual(['line 1 calls .query()']);
    expect(databaseAccess(`import { In } from 'typeorm';\nconst x = await this.repository.list();`)).toEqual([]);
  });

  it('never lets a service reach the database except through a repository', () => {
    const violations = services.filter((s) => s.access.length > 0).map((s) => `${s.file}: ${s.access.join(', ')}`);
    expect(violations).toEqual([]);
  });
});

/** Every class exported from a dto/ folder, and every other exported declaration (by name) with its file. */
function declarations(): { dtoClasses: Set<string>; elsewhere: Map<string, string> } {
  const dtoClasses = new Set<string>();
  const elsewhere = new Map<string, string>();
  for (const file of filesEndingWith(SRC, '.ts')) {
    const path = relative(SRC, file);
    const inDto = path.split('/').includes('dto');
    for (const m of readFileSync(file, 'utf8').matchAll(/export\s+(?:abstract\s+)?(class|interface|type|enum)\s+(\w+)/g)) {
      if (inDto && m[1] === 'class') dtoClasses.add(m[2]);
      else elsewhere.set(m[2], path);
    }
  }
  return { dtoClasses, elsewhere };
}

/** The response types a controller names: each route handler's return type and the `type` of its @Api…Response decorators. */
function responseTypes(text: string): string[] {
  const handlers = text.split(/@(?:Get|Post|Put|Patch|Delete|All)\(/).slice(1);
  const returned = handlers.map((handler) => /\)\s*:\s*(?:Promise<\s*)?(\w+)/.exec(handler)?.[1] ?? '(no return type)');
  const documented = [...text.matchAll(/@Api\w*Response\(\{[^)]*?\btype:\s*\[?(\w+)/g)].map((m) => m[1]);
  return [...returned, ...documented].filter((name) => name !== 'void');
}

describe('layers: responses are DTO classes', () => {
  const { dtoClasses, elsewhere } = declarations();
  const controllers = filesEndingWith(SRC, '.controller.ts').map((file) => ({ file: relative(SRC, file), types: responseTypes(readFileSync(file, 'utf8')) }));

  it('finds the controllers, their response types and the DTO classes', () => {
    expect(controllers.length).toBeGreaterThan(10);
    expect(dtoClasses.has('ReadinessResponseDto')).toBe(true);
    expect(controllers.find((c) => c.file === 'health/health.controller.ts')?.types).toEqual(
      expect.arrayContaining(['LivenessResponseDto', 'ReadinessResponseDto']),
    );
  });

  it('answers every route with a class declared in a dto/ file (OpenAPI reads its decorators)', () => {
    const violations = controllers.flatMap(({ file, types }) =>
      types.filter((name) => !dtoClasses.has(name)).map((name) => `${file}: ${name}${elsewhere.has(name) ? ` (declared in ${elsewhere.get(name)})` : ''}`),
    );
    expect(violations).toEqual([]);
  });
});
