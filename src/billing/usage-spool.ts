import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { UsageRecord } from './usage-record';

/** One record per line; `createdAt` travels as an ISO string. */
export function encodeSpoolLine(record: UsageRecord): string {
  return `${JSON.stringify({ ...record, createdAt: record.createdAt.toISOString() })}\n`;
}

/**
 * Records of a spool file. A line that does not parse can only be the last one,
 * torn by a crash before its fsync: its record was never acknowledged, so it is skipped.
 */
export function decodeSpoolLines(text: string): { records: UsageRecord[]; skipped: number } {
  const records: UsageRecord[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const raw = JSON.parse(line) as Omit<UsageRecord, 'createdAt'> & { createdAt: string };
      const createdAt = new Date(raw.createdAt);
      if (typeof raw.id !== 'string' || Number.isNaN(createdAt.getTime())) throw new Error('not a usage record');
      records.push({ ...raw, createdAt });
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

const CURRENT = 'spool.jsonl';
const REPLAY_PREFIX = 'replay-';

/**
 * Append-only spool for usage records the database could not take. Every append
 * is fsync'd before it resolves; all file operations run one at a time.
 * Replay takes whole files (the current one is renamed first), so appends never
 * race a reader.
 */
export class UsageSpool {
  private handle: FileHandle | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private currentBytes = 0;
  private pendingBytes = 0;
  private rotation = 0;
  /** a write failed, perhaps half-way (a full disk): the next line starts on a line of its own, not glued to the torn one */
  private torn = false;

  constructor(readonly dir: string) {}

  /** Bytes waiting to be replayed (current file plus files taken but not yet replayed). */
  get bytes(): number {
    return this.currentBytes + this.pendingBytes;
  }

  /**
   * Picks up files left by a previous run. Its current file is set aside first:
   * it may end in a torn line, which must not swallow the next append.
   */
  async init(): Promise<void> {
    await this.serial(async () => {
      await mkdir(this.dir, { recursive: true });
      await this.closeHandle();
      if ((await fileSize(path.join(this.dir, CURRENT))) > 0) await this.rotate();
      this.currentBytes = 0;
      this.pendingBytes = 0;
      for (const file of await this.replayFiles()) this.pendingBytes += await fileSize(file);
    });
  }

  append(records: readonly UsageRecord[]): Promise<void> {
    const data = records.map(encodeSpoolLine).join('');
    return this.serial(async () => {
      if (!this.handle) {
        await mkdir(this.dir, { recursive: true });
        this.handle = await open(path.join(this.dir, CURRENT), 'a');
      }
      const text = this.torn ? `\n${data}` : data;
      try {
        await this.handle.write(text);
        await this.handle.datasync();
      } catch (err) {
        this.torn = true;
        throw err;
      }
      this.torn = false;
      this.currentBytes += Buffer.byteLength(text);
    });
  }

  /** Closes the current file and returns every file awaiting replay, oldest first. */
  takeFiles(): Promise<string[]> {
    return this.serial(async () => {
      await this.closeHandle();
      if (this.currentBytes > 0 || (await fileSize(path.join(this.dir, CURRENT))) > 0) {
        await this.rotate();
        this.pendingBytes += this.currentBytes;
        this.currentBytes = 0;
      }
      return this.replayFiles();
    });
  }

  async read(file: string): Promise<{ records: UsageRecord[]; skipped: number }> {
    return decodeSpoolLines(await readFile(file, 'utf8'));
  }

  /** Deletes a fully replayed file. */
  remove(file: string): Promise<void> {
    return this.serial(async () => {
      const size = await fileSize(file);
      await rm(file, { force: true });
      this.pendingBytes = Math.max(0, this.pendingBytes - size);
    });
  }

  /** Appends records the database refused as invalid, for an operator to inspect. */
  deadLetter(records: readonly UsageRecord[]): Promise<void> {
    return this.serial(async () => {
      await mkdir(this.dir, { recursive: true });
      const handle = await open(path.join(this.dir, 'rejected.jsonl'), 'a');
      try {
        await handle.write(records.map(encodeSpoolLine).join(''));
        await handle.datasync();
      } finally {
        await handle.close();
      }
    });
  }

  close(): Promise<void> {
    return this.serial(() => this.closeHandle());
  }

  private async rotate(): Promise<void> {
    const name = `${REPLAY_PREFIX}${Date.now()}-${String(this.rotation++).padStart(6, '0')}.jsonl`;
    await rename(path.join(this.dir, CURRENT), path.join(this.dir, name));
  }

  private async closeHandle(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }

  private async replayFiles(): Promise<string[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    return names
      .filter((n) => n.startsWith(REPLAY_PREFIX) && n.endsWith('.jsonl'))
      .sort()
      .map((n) => path.join(this.dir, n));
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.chain.then(op, op);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

async function fileSize(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}
