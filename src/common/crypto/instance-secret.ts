import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * LLMHUB_SECRET, or — for a single instance tried out with no configuration —
 * one generated once and kept in DATA_DIR/llmhub.secret (mode 0600).
 * Several instances must share LLMHUB_SECRET.
 */
export function resolveInstanceSecret(configured: string | undefined, dataDir: string): { secret: string; generated: boolean } {
  if (configured) return { secret: configured, generated: false };
  const dir = resolve(dataDir);
  const file = join(dir, 'llmhub.secret');
  if (existsSync(file)) return { secret: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return { secret, generated: true };
}
