import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

/** Documents contributors do not have; the project's own docs/ say what they need. */
const OUTSIDE_REFERENCES = [/\bDESIGN(\.md| §)/, /\bSTYLE(\.md| §)/, /\.\.\/shared\b/];

function trackedTextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return listed.split('\n').filter((f) => f !== '' && !/\.(png|jpe?g|gif|ico|woff2?)$/.test(f) && f !== 'package-lock.json');
}

describe('the repository stands on its own', () => {
  it('points to no document outside it', () => {
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(100);
    const offenders = files.flatMap((file) => {
      let text: string;
      try {
        text = readFileSync(join(ROOT, file), 'utf8');
      } catch {
        return []; // listed but deleted in the working tree
      }
      return text.split('\n').flatMap((line, i) => (OUTSIDE_REFERENCES.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim()}`] : []));
    });
    expect(offenders).toEqual([]);
  });
});
