import { Logger } from '@nestjs/common';
import type { RequestWithCaller } from '@src/common/caller';
import { MetricsService } from '@src/billing/metrics.service';
import { ANONYMOUS_REFUSALS_BURST, ANONYMOUS_REFUSALS_PER_SECOND, RejectionRecorder } from '@src/billing/rejection-recorder.service';
import type { UsageRecord } from '@src/billing/usage-record';
import type { UsageRecorder } from '@src/billing/usage-recorder.service';

/** A refused generation call, without a client (no valid key) or with one. */
function refusedCall(n: number, caller?: { clientId: string; apiKeyId: string }): RequestWithCaller {
  return { id: `req-${n}`, url: '/v1/chat/completions', headers: {}, body: { model: 'openai/gpt-4o-mini' }, ...(caller ? { caller } : {}) } as never;
}

describe('RejectionRecorder: refusals without a client are recorded up to a rate', () => {
  let records: UsageRecord[];
  let metrics: MetricsService;
  let refusals: RejectionRecorder;
  let clock: number;
  let warnings: string[];

  beforeEach(() => {
    records = [];
    const recorder = { record: (r: UsageRecord) => (records.push(r), Promise.resolve()) } as unknown as UsageRecorder;
    metrics = new MetricsService();
    refusals = new RejectionRecorder(recorder, metrics);
    clock = 1_000_000;
    refusals.now = () => clock;
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
  });

  afterEach(() => jest.restoreAllMocks());

  async function unrecordedCount(): Promise<number> {
    const metric = await metrics.registry.getSingleMetric('llmhub_refused_calls_unrecorded_total')!.get();
    return metric.values[0]?.value ?? 0;
  }

  it('records a burst of them, then the rate, and counts the rest', async () => {
    const flood = ANONYMOUS_REFUSALS_BURST + 100;
    for (let i = 0; i < flood; i++) await refusals.recordIfClientCall(refusedCall(i), 'invalid_api_key', 'The API key is not a valid LLMHub API key', 401);
    expect(records).toHaveLength(ANONYMOUS_REFUSALS_BURST);
    expect(records.every((r) => r.status === 'rejected' && r.errorCode === 'invalid_api_key' && r.clientId === null)).toBe(true);
    expect(await unrecordedCount()).toBe(100);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/faster than 50 a second: 1 not recorded/);

    clock += 1_000;
    for (let i = 0; i < 100; i++) await refusals.recordIfClientCall(refusedCall(flood + i), 'missing_api_key', 'No API key', 401);
    expect(records).toHaveLength(ANONYMOUS_REFUSALS_BURST + ANONYMOUS_REFUSALS_PER_SECOND);
    expect(await unrecordedCount()).toBe(150);
    // a warning a minute at most, with how many went unrecorded since the last
    expect(warnings).toHaveLength(1);
    clock += 60_000;
    for (let i = 0; i < ANONYMOUS_REFUSALS_BURST + 1; i++) await refusals.recordIfClientCall(refusedCall(10_000 + i), 'missing_api_key', 'No API key', 401);
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/: 150 not recorded/);
  });

  it("always records a client's own refusals", async () => {
    for (let i = 0; i < ANONYMOUS_REFUSALS_BURST + 10; i++) await refusals.recordIfClientCall(refusedCall(i), 'missing_api_key', 'No API key', 401);
    const before = records.length;
    const caller = { clientId: 'c1', apiKeyId: 'k1' };
    for (let i = 0; i < 20; i++) await refusals.recordIfClientCall(refusedCall(1_000 + i, caller), 'rate_limited', 'Rate limit reached', 429);
    expect(records.length - before).toBe(20);
    expect(records.slice(before).every((r) => r.clientId === 'c1' && r.status === 'rate_limited')).toBe(true);
  });
});
