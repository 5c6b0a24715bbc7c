import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { mulberry32, syntheticRecord } from '@bench/seed-usage';
import { UsageRecorder } from '@src/billing/usage-recorder.service';
import { UsageSpool } from '@src/billing/usage-spool';
import { ASYNC_COMMIT_APPLICATION_NAME } from '@src/database/async-commit-pool';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { insertClient, newRecorder, openDataSource } from './billing-fixtures';

describe(`${UsageRecorder.name} with USAGE_SYNCHRONOUS_COMMIT=off`, () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let client: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = await openDataSource(db.url);
    client = await insertClient(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function recorderWithoutFlushWait() {
    const dataDir = mkdtempSync(join(tmpdir(), 'llmhub-async-commit-'));
    dirs.push(dataDir);
    return newRecorder(dataSource, dataDir, false);
  }

  async function storedCount(ids: string[]): Promise<number> {
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM llm_generation_log WHERE id = ANY($1::uuid[])`, [ids]);
    return row.n;
  }

  it("commits each call's record before record() resolves, from a session that does not wait for the WAL flush", async () => {
    const { recorder, repository } = recorderWithoutFlushWait();
    const random = mulberry32(5);
    const records = Array.from({ length: 40 }, () => syntheticRecord(random, [client], Date.now(), 1));
    await Promise.all(records.map((r) => recorder.record(r)));

    // visible to every other session at once: committed, not merely sent
    expect(await storedCount(records.map((r) => r.id))).toBe(40);
    const sessions = await dataSource.query(`SELECT query FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`, [
      ASYNC_COMMIT_APPLICATION_NAME,
    ]);
    expect(sessions.map((s: { query: string }) => s.query)).toContainEqual(expect.stringContaining('INSERT INTO llm_generation_log'));
    const [setting] = (await repository['unflushedPool']().query('SHOW synchronous_commit')).rows;
    expect(setting).toEqual({ synchronous_commit: 'off' });

    await recorder.beforeApplicationShutdown();
    await repository.onApplicationShutdown();
  });

  it('replays a spool left by a previous run with commits flushed to disk, before the spool file goes', async () => {
    const { recorder, repository, dataDir } = recorderWithoutFlushWait();
    const random = mulberry32(6);
    const spooled = Array.from({ length: 25 }, () => syntheticRecord(random, [client], Date.now(), 1));
    const previousRun = new UsageSpool(join(dataDir, 'usage-spool'));
    await previousRun.append(spooled);
    await previousRun.close();

    const inserts = jest.spyOn(repository, 'insertBatch');
    await recorder.onApplicationBootstrap();
    await recorder.replay();

    expect(await storedCount(spooled.map((r) => r.id))).toBe(25);
    expect(inserts.mock.calls.map(([, wait]) => wait)).toEqual(['flushed']);
    expect(recorder.spoolBytes).toBe(0);

    // a call's own record still goes the configured way
    const live = syntheticRecord(random, [client], Date.now(), 1);
    await recorder.record(live);
    expect(inserts.mock.calls.at(-1)?.[1]).toBe('configured');
    expect(await storedCount([live.id])).toBe(1);

    await recorder.beforeApplicationShutdown();
    await repository.onApplicationShutdown();
  });
});
