import { timescaleJobHealth } from '@src/billing/job-health.service';

const HOUR = 3_600_000;
const now = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

function row(overrides: Partial<Parameters<typeof timescaleJobHealth>[0]> = {}): Parameters<typeof timescaleJobHealth>[0] {
  return {
    proc_name: 'policy_refresh_continuous_aggregate',
    target: 'llm_hourly_costs',
    schedule_ms: HOUR,
    last_run_status: 'Success',
    last_successful_finish: ago(10 * 60_000),
    next_start: new Date(now.getTime() + 50 * 60_000),
    total_runs: 10,
    created_hint: ago(10 * 60_000),
    ...overrides,
  };
}

describe(timescaleJobHealth.name, () => {
  it('a job that ran on time is ok', () => {
    expect(timescaleJobHealth(row(), now, new Map())).toEqual({
      name: 'refresh llm_hourly_costs',
      state: 'ok',
      last_success_at: ago(10 * 60_000).toISOString(),
      last_error: null,
      next_run_at: new Date(now.getTime() + 50 * 60_000).toISOString(),
    });
  });

  it('a job whose last run failed is failing, with its error when TimescaleDB kept one', () => {
    const errors = new Map([['policy_refresh_continuous_aggregate llm_hourly_costs', 'cannot drop portal while it is being set up']]);
    expect(timescaleJobHealth(row({ last_run_status: 'Failed' }), now, errors)).toEqual(
      expect.objectContaining({ state: 'failing', last_error: 'cannot drop portal while it is being set up' }),
    );
    expect(timescaleJobHealth(row({ last_run_status: 'Failed' }), now, new Map()).last_error).toMatch(/failed/);
  });

  it('a job with no success for more than two periods is overdue, as is one whose start is long past', () => {
    expect(timescaleJobHealth(row({ last_successful_finish: ago(3 * HOUR) }), now, new Map()).state).toBe('overdue');
    expect(timescaleJobHealth(row({ next_start: ago(2 * HOUR) }), now, new Map()).state).toBe('overdue');
  });

  it('a job that has run but never succeeded is overdue after two periods', () => {
    const never = row({ last_successful_finish: null, total_runs: 5, created_hint: ago(3 * HOUR), last_run_status: null });
    expect(timescaleJobHealth(never, now, new Map()).state).toBe('overdue');
  });

  it("reads TimescaleDB's '-infinity' (never succeeded) as no success, not a crash", () => {
    // what TimescaleDB 2.28 on PostgreSQL 15 reports for jobs that always fail ("cannot drop portal …")
    const failing = row({ last_run_status: 'Failed', last_successful_finish: -Infinity, total_runs: 2 });
    expect(timescaleJobHealth(failing, now, new Map())).toEqual(expect.objectContaining({ state: 'failing', last_success_at: null }));
  });

  it('names retention jobs by their table', () => {
    expect(timescaleJobHealth(row({ proc_name: 'policy_retention', target: 'llm_generation_log', schedule_ms: 24 * HOUR }), now, new Map()).name).toBe(
      'retention llm_generation_log',
    );
  });
});
