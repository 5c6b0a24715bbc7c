import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEnv } from '@src/config/env.schema';

const ROOT = join(__dirname, '..', '..', '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** Every variable parseEnv looks at, found by giving it an environment that records what is read. */
function variablesRead(): string[] {
  const names = new Set<string>();
  const env = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (typeof name === 'string') names.add(name);
        return undefined;
      },
    },
  );
  parseEnv(env);
  return [...names].sort();
}

/** The variables .env.example lists, set (`NAME=`) or shown in a comment (`# NAME=`). */
function listedInEnvExample(): string[] {
  return [...new Set([...read('.env.example').matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]))].sort();
}

/** What .env.example sets (`NAME=value` lines, not the commented examples), as an environment. */
function envExampleValues(): Record<string, string> {
  return Object.fromEntries([...read('.env.example').matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
}

/** Whether docs/OPERATIONS.md's configuration table names the variable in its first column (`*_BASE_URL` stands for each). */
function inOperationsTable(name: string): boolean {
  const rows = read('docs/OPERATIONS.md').match(/^\| `[A-Z*].*$/gm) ?? [];
  const names = rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z*][A-Z0-9_]+)`/g)].map((m) => m[1]));
  return names.some((entry) => entry === name || (entry.startsWith('*') && name.endsWith(entry.slice(1))));
}

/** The variables the llmhub service of docker-compose.yml passes to the container. */
function passedByCompose(): string[] {
  const service = read('docker-compose.yml').split(/^ {2}llmhub:$/m)[1] ?? '';
  return [...service.matchAll(/^ {6}([A-Z][A-Z0-9_]+):/gm)].map((m) => m[1]);
}

describe('every configuration variable is where an operator looks for it', () => {
  it('.env.example lists every variable the server reads, and none it does not', () => {
    // NODE_ENV is Node's own; the image sets it
    expect(listedInEnvExample()).toEqual(variablesRead().filter((name) => name !== 'NODE_ENV'));
  });

  it('.env.example shows each default: a .env copied from it changes nothing', () => {
    // `cp .env.example .env` is what a newcomer does first; a value there that differs from the default would change the setup unsaid
    expect(parseEnv(envExampleValues())).toEqual(parseEnv({}));
  });

  it("docs/OPERATIONS.md's table explains every variable .env.example lists", () => {
    expect(listedInEnvExample().filter((name) => !inOperationsTable(name))).toEqual([]);
  });

  it('docker-compose.yml passes every variable on to the container, apart from those it fixes itself', () => {
    // the image fixes HOST and DATA_DIR (its volume), compose sets PORT, DATABASE_URL and REDIS_URL, and there is no embedded database
    const fixed = ['DATA_DIR', 'HOST', 'EMBEDDED_DB_PORT'];
    // a variable set in .env but not passed on would be ignored without a word
    expect(listedInEnvExample().filter((name) => !fixed.includes(name) && !passedByCompose().includes(name))).toEqual([]);
  });
});
