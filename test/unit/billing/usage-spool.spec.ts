import { mkdtempSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeSpoolLines, encodeSpoolLine, UsageSpool } from '@src/billing/usage-spool';
import type { UsageRecord } from '@src/billing/usage-record';

const record = (id: string): UsageRecord => ({
  id,
  createdAt: new Date('2025-01-02T03:04:05.678Z'),
  clientId: null,
  apiKeyId: null,
  endpoint: '/v1/chat/completions',
  provider: 'openai',
  model: 'gpt-4o-mini',
  requestedModel: null,
  templateId: null,
  templateName: null,
  templateVersion: null,
  inputTokens: 10,
  outputTokens: 5,
  cachedInputTokens: 0,
  costUsd: '0.0000045',
  priceUnknown: false,
  latencyMs: 12,
  ttftMs: null,
  status: 'success',
  errorCode: null,
  errorMessage: 'line\nbreak',
  attempts: 1,
  isStream: false,
  metadata: { a: [1, 'x'] },
});

describe('spool encoding', () => {
  it('round-trips a record exactly, decimal cost as a string and newlines escaped', () => {
    const line = encodeSpoolLine(record('a3f1c2d4-0000-4000-8000-000000000001'));
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(decodeSpoolLines(line)).toEqual({ records: [record('a3f1c2d4-0000-4000-8000-000000000001')], skipped: 0 });
  });

  it('skips a torn last line from a crash and keeps the rest', () => {
    const full = encodeSpoolLine(record('a3f1c2d4-0000-4000-8000-000000000002'));
    const torn = encodeSpoolLine(record('a3f1c2d4-0000-4000-8000-000000000003')).slice(0, 40);
    const { records, skipped } = decodeSpoolLines(full + torn);
    expect(records.map((r) => r.id)).toEqual(['a3f1c2d4-0000-4000-8000-000000000002']);
    expect(skipped).toBe(1);
  });
});

describe(UsageSpool.name, () => {
  const dirs: string[] = [];
  const spoolDir = (): string => {
    const parent = mkdtempSync(join(tmpdir(), 'spool-'));
    dirs.push(parent);
    return join(parent, 'usage-spool');
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('hands appended records to replay once and counts their bytes until removed', async () => {
    const sut = new UsageSpool(spoolDir());
    await sut.append([record('a3f1c2d4-0000-4000-8000-000000000004')]);
    expect(sut.bytes).toBeGreaterThan(0);
    const files = await sut.takeFiles();
    expect(files).toHaveLength(1);
    await sut.append([record('a3f1c2d4-0000-4000-8000-000000000005')]);
    expect((await sut.read(files[0])).records.map((r) => r.id)).toEqual(['a3f1c2d4-0000-4000-8000-000000000004']);
    await sut.remove(files[0]);
    const next = await sut.takeFiles();
    expect(next).toHaveLength(1);
    expect((await sut.read(next[0])).records.map((r) => r.id)).toEqual(['a3f1c2d4-0000-4000-8000-000000000005']);
    await sut.remove(next[0]);
    expect(sut.bytes).toBe(0);
    await sut.close();
  });

  it('finds files left by a previous process at init, and a torn tail never swallows the next append', async () => {
    const dir = spoolDir();
    const first = new UsageSpool(dir);
    await first.append([record('a3f1c2d4-0000-4000-8000-000000000006')]);
    await first.close();
    await appendFile(join(dir, 'spool.jsonl'), '{"torn');
    const sut = new UsageSpool(dir);
    await sut.init();
    expect(sut.bytes).toBeGreaterThan(0);
    await sut.append([record('a3f1c2d4-0000-4000-8000-000000000007')]);
    const files = await sut.takeFiles();
    const ids = (await Promise.all(files.map((f) => sut.read(f)))).flatMap((r) => r.records.map((x) => x.id));
    expect(ids).toEqual(['a3f1c2d4-0000-4000-8000-000000000006', 'a3f1c2d4-0000-4000-8000-000000000007']);
  });

  it('a write that failed half-way (a full disk) never swallows the next append', async () => {
    const sut = new UsageSpool(spoolDir());
    await sut.append([record('a3f1c2d4-0000-4000-8000-000000000008')]);
    const handle = (sut as unknown as { handle: { write(data: string): Promise<unknown> } }).handle;
    const write = handle.write.bind(handle);
    // half the line reaches the file, then the disk is full
    jest.spyOn(handle, 'write').mockImplementationOnce(async (data: string) => {
      await write(data.slice(0, data.length >> 1));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    await expect(sut.append([record('a3f1c2d4-0000-4000-8000-000000000009')])).rejects.toThrow('ENOSPC');
    // space again: this record was acknowledged, so replay must find it
    await sut.append([record('a3f1c2d4-0000-4000-8000-000000000010')]);
    const files = await sut.takeFiles();
    const read = await Promise.all(files.map((f) => sut.read(f)));
    expect(read.flatMap((r) => r.records.map((x) => x.id))).toEqual(['a3f1c2d4-0000-4000-8000-000000000008', 'a3f1c2d4-0000-4000-8000-000000000010']);
    expect(read.reduce((n, r) => n + r.skipped, 0)).toBe(1);
    await sut.close();
  });
});
