import { Client } from 'pg';
import request from 'supertest';
import { RetentionService } from '@src/billing/retention.service';
import { RollupFoldService } from '@src/billing/rollup-fold.service';
import { startTestApp, TestApp } from '@test/support/app';

/**
 * A scheduled job that fails while every request succeeds shows in
 * /health/ready's details, in /metrics and in the dashboard data. On plain
 * PostgreSQL the jobs are the application's retention and rollup fold; a
 * trigger refusing deletes, or the fold's watermark gone, makes them fail for real.
 */
describe('scheduled job health (plain PostgreSQL)', () => {
  let t: TestApp;
  let pg: Client;

  beforeAll(async () => {
    t = await startTestApp({ RETENTION_DAYS: '30' });
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
    // a row past the retention period, so the job has something to delete
    await pg.query(
      `INSERT INTO llm_generation_log (id, created_at, endpoint, status)
       VALUES (gen_random_uuid(), now() - interval '40 days', '/v1/chat/completions', 'success')`,
    );
  });
  afterAll(async () => {
    await pg?.end();
    await t?.close();
  });

  const ready = () => request(t.url).get('/health/ready').expect(200);
  const metrics = async () => (await request(t.url).get('/metrics').expect(200)).text;
  const dashboard = () => request(t.url).get('/api/admin/dashboard').set('Authorization', `Bearer ${t.adminToken}`).expect(200);
  const fold = () => t.app.get(RollupFoldService).fold();
  // one run of the hourly job, as its timer would start it; rows not folded into the rollups yet are kept, so fold first
  const run = async () => {
    await t.app.get(RollupFoldService).foldUntilCaughtUp();
    await t.app.get(RetentionService).runScheduled();
  };

  it('reports the retention job ok when it runs', async () => {
    await run();
    const res = await ready();
    expect(res.body.status).toBe('ready');
    expect(res.body.checks.jobs).toBe('ok');
    expect(res.body.jobs).toEqual([
      expect.objectContaining({ name: 'retention llm_generation_log', state: 'ok', last_success_at: expect.any(String), last_error: null }),
      expect.objectContaining({ name: 'fold cost rollups', state: 'ok', last_success_at: expect.any(String), last_error: null }),
    ]);
    expect((await dashboard()).body.rollups).toEqual({ kept_by: 'application', refreshed_at: expect.any(String), stale: false, failing_jobs: [] });
  });

  it('reports it failing, with its error, in /health/ready, /metrics and the dashboard, and recovers', async () => {
    await pg.query(
      `INSERT INTO llm_generation_log (id, created_at, endpoint, status)
       VALUES (gen_random_uuid(), now() - interval '40 days', '/v1/chat/completions', 'success')`,
    );
    await pg.query(`CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'deletes refused for the test'; END $$`);
    await pg.query(`CREATE TRIGGER refuse_delete BEFORE DELETE ON llm_generation_log FOR EACH ROW EXECUTE FUNCTION refuse_delete()`);
    await run();
    const res = await ready();
    expect(res.body.status).toBe('ready'); // reported, not a reason to refuse traffic
    expect(res.body.checks.jobs).toBe('failing');
    expect(res.body.jobs[0]).toEqual(expect.objectContaining({ state: 'failing', last_error: expect.stringContaining('deletes refused for the test') }));
    expect(await metrics()).toContain('llmhub_job_failing{job="retention llm_generation_log"} 1');
    expect((await dashboard()).body.rollups.failing_jobs).toEqual(['retention llm_generation_log']);

    await pg.query('DROP TRIGGER refuse_delete ON llm_generation_log');
    await run();
    expect((await ready()).body.checks.jobs).toBe('ok');
    expect(await metrics()).toContain('llmhub_job_failing{job="retention llm_generation_log"} 0');
  });

  it('reports the rollup fold failing and the rollups stale while it cannot run, and recovers', async () => {
    await pg.query('ALTER TABLE llm_rollup_fold RENAME TO llm_rollup_fold_gone');
    try {
      await fold();
      const res = await ready();
      expect(res.body.status).toBe('ready');
      expect(res.body.jobs).toContainEqual(
        expect.objectContaining({ name: 'fold cost rollups', state: 'failing', last_error: expect.stringContaining('llm_rollup_fold') }),
      );
      expect(await metrics()).toContain('llmhub_rollups_stale 1');
      expect((await dashboard()).body.rollups).toEqual(expect.objectContaining({ stale: true, failing_jobs: ['fold cost rollups'] }));
    } finally {
      await pg.query('ALTER TABLE llm_rollup_fold_gone RENAME TO llm_rollup_fold');
    }
    // fold() joins a fold under way: the first may be the timer's, begun while the table was gone
    await fold();
    await fold();
    expect((await ready()).body.checks.jobs).toBe('ok');
    expect(await metrics()).toContain('llmhub_rollups_stale 0');
  });
});
