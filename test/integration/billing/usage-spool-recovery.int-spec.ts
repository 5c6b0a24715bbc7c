import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { mulberry32, syntheticRecord } from '@bench/seed-usage';
import { UsageRecorder } from '@src/billing/usage-recorder.service';
import { createTestDatabase, TestDatabase } from '@test/support/db';
import { pollUntil } from '@test/support/poll';
import { newRecorder, openDataSource } from './billing-fixtures';
import { TcpProxy } from './tcp-proxy';

jest.setTimeout(120_000);

describe(`${UsageRecorder.name} with the database down`, () => {
  // the database "goes away" by cutting a proxy in front of it: connections reset, reconnects refused
  let db: TestDatabase;
  let server: TcpProxy;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase();
    let url: string;
    ({ proxy: server, url } = await TcpProxy.inFrontOf(db.url));
    dataSource = await openDataSource(url);
  });

  afterAll(async () => {
    await dataSource?.destroy().catch(() => undefined);
    await server?.down();
    await db?.drop();
  });

  it('answers from the spool while the database is gone, then stores every record exactly once', async () => {
    const { recorder: sut, dataDir } = newRecorder(dataSource);
    sut.retryIntervalMs = 200;
    const random = mulberry32(42);
    const before = Array.from({ length: 50 }, () => syntheticRecord(random, [null as unknown as string], Date.now(), 3));
    await Promise.all(before.map((r) => sut.record({ ...r, clientId: null })));

    await server.down();
    const during = Array.from({ length: 300 }, () => ({ ...syntheticRecord(random, [null as unknown as string], Date.now(), 3), clientId: null }));
    await Promise.all(during.map((r) => sut.record(r)));
    expect(sut.isDegraded).toBe(true);
    expect(sut.spoolBytes).toBeGreaterThan(0);
    expect(readdirSync(join(dataDir, 'usage-spool')).length).toBeGreaterThan(0);

    await server.up();
    // the retry timer replays on its own
    await pollUntil(
      () => sut.isDegraded || sut.spoolBytes > 0,
      (pending) => !pending,
      { timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(sut.isDegraded).toBe(false);
    expect(sut.spoolBytes).toBe(0);

    const ids = [...before, ...during].map((r) => r.id);
    const [row] = await dataSource.query(`SELECT count(*)::int AS n, count(DISTINCT id)::int AS d FROM llm_generation_log WHERE id = ANY($1::uuid[])`, [ids]);
    expect(row).toEqual({ n: 350, d: 350 });
    const [rollup] = await dataSource.query(`SELECT sum(requests)::int AS n FROM llm_hourly_costs`);
    expect(rollup.n).toBe(350);
    await sut.beforeApplicationShutdown();
  });

  it('replays a spool left by a previous run at start, without double counting', async () => {
    const first = newRecorder(dataSource);
    await server.down();
    const random = mulberry32(43);
    const records = Array.from({ length: 20 }, () => ({
      ...syntheticRecord(random, [null as unknown as string], Date.now(), 1),
      clientId: null,
      provider: 'restart-test',
    }));
    await Promise.all(records.map((r) => first.recorder.record(r)));
    first.recorder.retryIntervalMs = 60_000;
    await first.recorder.beforeApplicationShutdown(); // database still down: stays spooled
    await first.recorder.onApplicationShutdown();
    await server.up();

    const second = newRecorder(dataSource, first.dataDir);
    await second.recorder.onApplicationBootstrap();
    await second.recorder.replay();
    const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM llm_generation_log WHERE provider = 'restart-test'`);
    const [rollup] = await dataSource.query(`SELECT sum(requests)::int AS n FROM llm_daily_costs WHERE provider = 'restart-test'`);
    expect([row.n, rollup.n]).toEqual([20, 20]);
    expect(second.recorder.spoolBytes).toBe(0);
    await second.recorder.beforeApplicationShutdown();
  });
});
