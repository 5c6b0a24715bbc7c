import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StartupError } from '../common/startup-error';

/** Why a folder cannot be created or written, in the operator's words. */
const REASONS: Record<string, string> = {
  EEXIST: 'it is a file, not a folder',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'it is on a read-only file system',
  ENOSPC: 'the disk is full',
};

/**
 * Checked before the application starts: DATA_DIR must be a folder LLMHub can
 * create and write (the usage spool, the generated secret and the embedded
 * database live there). Otherwise the first module to touch it would stop the
 * start with the framework's stack trace.
 */
export async function assertDataDirWritable(dataDir: string): Promise<void> {
  const folder = path.resolve(dataDir);
  const probe = path.join(folder, `.write-check-${randomBytes(6).toString('hex')}`);
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(probe, '');
    await rm(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const reason = REASONS[code] ?? (error as Error).message;
    throw new StartupError(
      `DATA_DIR (${folder}) cannot be used: ${reason}.\n` +
        'Set DATA_DIR to a folder LLMHub may create and write: it keeps the usage spool, the generated secret and the embedded database there.',
    );
  }
}
