import type { BillingReadService } from '@src/billing/billing-read.service';
import type { Caller } from '@src/common/caller';
import type { ClientBudgetPolicy } from '@src/auth/client-policy';
import type { ClientsRepository } from '@src/auth/clients.repository';
import type { KeyLookupService } from '@src/auth/key-lookup.service';
import { AdmissionRequest, LimitsService } from '@src/auth/limits/limits.service';
import type { PgBudgetStore } from '@src/auth/limits/pg-budget.store';
import type { RedisLimitStore } from '@src/auth/limits/redis-limit.store';

const caller: Caller = {
  clientId: '00000000-0000-4000-8000-000000000001',
  clientName: 'marketing',
  apiKeyId: '00000000-0000-4000-8000-000000000002',
  rateLimitRpm: null,
  rateLimitTpm: null,
  allowedProviders: null,
  allowedModels: null,
  fallbackModels: null,
  metadata: {},
};

const request: AdmissionRequest = { provider: 'openai', model: 'gpt-4o-mini', estimatedInputTokens: 10, maxOutputTokens: 90, maxCostUsd: '0.25' };
const budget = (budgetUsd: string): ClientBudgetPolicy => ({ budgetUsd, budgetPeriod: 'month', budgetTimezone: 'UTC', budgetAlertThreshold: null });

describe(LimitsService.name, () => {
  let redis: jest.Mocked<Pick<RedisLimitStore, 'admit' | 'settle' | 'markFailure' | 'commandFailed' | 'tryNow' | 'beforeDisconnect'>> & {
    available: boolean;
    configured: boolean;
  };
  let pgBudget: jest.Mocked<Pick<PgBudgetStore, 'reserve' | 'settle'>>;
  let lookup: jest.Mocked<Pick<KeyLookupService, 'budgetPolicy'>>;
  let spend: jest.Mocked<Pick<BillingReadService, 'clientSpend'>>;
  let clients: jest.Mocked<Pick<ClientsRepository, 'markBudgetAlerted'>>;
  let sut: LimitsService;

  beforeEach(() => {
    redis = {
      admit: jest.fn(),
      settle: jest.fn(),
      markFailure: jest.fn(),
      commandFailed: jest.fn(),
      tryNow: jest.fn(() => redis.available),
      beforeDisconnect: jest.fn(),
      available: false,
      configured: false,
    };
    pgBudget = { reserve: jest.fn(), settle: jest.fn() };
    lookup = { budgetPolicy: jest.fn().mockResolvedValue(null) };
    spend = { clientSpend: jest.fn().mockResolvedValue('0') };
    clients = { markBudgetAlerted: jest.fn().mockResolvedValue(true) };
    sut = new LimitsService(
      redis as unknown as RedisLimitStore,
      pgBudget as unknown as PgBudgetStore,
      lookup as unknown as KeyLookupService,
      spend as unknown as BillingReadService,
      clients as unknown as ClientsRepository,
    );
  });

  it('admits a client without limits or budget with no headers and touches no store', async () => {
    const admission = await sut.admit(caller, request);
    expect(admission.headers).toEqual({});
    await admission.settle({ inputTokens: 1, outputTokens: 1, costUsd: '0.01' });
    expect(redis.admit).not.toHaveBeenCalled();
    expect(pgBudget.reserve).not.toHaveBeenCalled();
  });

  it('refuses the request past the per-minute limit with 429 rate_limited, Retry-After and x-ratelimit headers', async () => {
    const limited = { ...caller, rateLimitRpm: 2 };
    const first = await sut.admit(limited, request);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit-requests': '2', 'x-ratelimit-remaining-requests': '1' });
    await sut.admit(limited, request);
    await expect(sut.admit(limited, request)).rejects.toMatchObject({
      code: 'rate_limited',
      retryAfterS: expect.any(Number),
      headers: expect.objectContaining({ 'x-ratelimit-remaining-requests': '0' }),
    });
  });

  it('reserves the most the call can cost against the budget, rounded up, in PostgreSQL when Redis is absent', async () => {
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    pgBudget.reserve.mockResolvedValue({ ok: true, usedUnits: 2_500_000_000n });
    await sut.admit(caller, request);
    const reserved = pgBudget.reserve.mock.calls[0][0];
    expect(reserved).toMatchObject({ clientId: caller.clientId, limitUnits: 100_000_000_000n, reserveUnits: 2_500_000_000n });
  });

  it('refuses with 402 budget_exceeded naming the budget, the reservation needed, what remains and the spend, in the message and in details', async () => {
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    pgBudget.reserve.mockResolvedValue({ ok: false, usedUnits: 99_900_000_000n });
    await expect(sut.admit(caller, { ...request, maxTokensGiven: true })).rejects.toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringMatching(
        /monthly budget of 10 USD for client "marketing".*needs 0\.25 USD reserved.*0\.01 USD remains.*9\.99 USD spent or reserved\)\. A lower max_tokens lowers the reservation\.$/,
      ),
      details: expect.arrayContaining([
        expect.objectContaining({ field: 'reserved_usd', value: '0.25' }),
        expect.objectContaining({ field: 'remaining_usd', value: '0.01' }),
        expect.objectContaining({ field: 'budget_usd', value: '10' }),
        expect.objectContaining({ field: 'spent_usd', value: '9.99' }),
        expect.objectContaining({ field: 'max_tokens', value: request.maxOutputTokens }),
      ]),
    });
  });

  it('says the reservation covers max_tokens for each of the n choices', async () => {
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    pgBudget.reserve.mockResolvedValue({ ok: false, usedUnits: 99_900_000_000n });
    const error = await sut.admit(caller, { ...request, maxOutputTokens: 300, maxTokensGiven: true, choices: 3 }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'budget_exceeded',
      message: expect.stringMatching(/with max_tokens 100 for each of 3 choices \(n\)\).*A lower max_tokens \(or n\) lowers the reservation\.$/),
      details: expect.arrayContaining([expect.objectContaining({ field: 'max_tokens', value: 100 })]),
    });
  });

  it('does not suggest max_tokens when nothing remains of the budget', async () => {
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    pgBudget.reserve.mockResolvedValue({ ok: false, usedUnits: 100_000_000_000n });
    const error = await sut.admit(caller, { ...request, maxTokensGiven: false }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'budget_exceeded', message: expect.stringContaining('and 0 USD remains') });
    expect((error as Error).message).not.toContain('max_tokens lowers');
  });

  it('settles the reservation once with the actual cost, however often settle is called', async () => {
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    pgBudget.reserve.mockResolvedValue({ ok: true, usedUnits: 0n });
    const admission = await sut.admit(caller, request);
    await admission.settle({ inputTokens: 10, outputTokens: 5, costUsd: '0.0001' });
    await admission.settle({ inputTokens: 10, outputTokens: 5, costUsd: '0.0001' });
    expect(pgBudget.settle).toHaveBeenCalledTimes(1);
    expect(pgBudget.settle.mock.calls[0][1]).toBe(1_000_000n);
  });

  it('keeps the whole reservation as spent when the actual cost is unknown', async () => {
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    pgBudget.reserve.mockResolvedValue({ ok: true, usedUnits: 0n });
    const admission = await sut.admit(caller, request);
    await admission.settle({ inputTokens: 10, outputTokens: 5, costUsd: null });
    expect(pgBudget.settle.mock.calls[0][1]).toBe(2_500_000_000n);
  });

  it('falls back to local limits when shared Redis fails, and says so', async () => {
    redis.available = true;
    redis.configured = true;
    redis.admit.mockRejectedValue(new Error('connection reset'));
    const admission = await sut.admit({ ...caller, rateLimitRpm: 5 }, request);
    expect(redis.commandFailed).toHaveBeenCalledWith(expect.objectContaining({ message: 'connection reset' }));
    expect(admission.headers).toMatchObject({ 'x-ratelimit-limit-requests': '5', 'x-ratelimit-remaining-requests': '4' });
  });

  it('seeds the shared budget counter from the recorded spend when Redis asks for it', async () => {
    redis.available = true;
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    spend.clientSpend.mockResolvedValue('1.5');
    redis.admit.mockResolvedValueOnce('seed').mockResolvedValueOnce({ ok: true, budgetUsedUnits: 17_500_000_000n });
    await sut.admit(caller, request);
    expect(redis.admit).toHaveBeenLastCalledWith(expect.anything(), expect.anything(), 15_000_000_000n, 1);
  });

  it('does not blame Redis when the database cannot say the spend its counter is seeded from', async () => {
    redis.available = true;
    redis.configured = true;
    lookup.budgetPolicy.mockResolvedValue(budget('10'));
    spend.clientSpend.mockRejectedValueOnce(new Error('database down'));
    redis.admit.mockResolvedValueOnce('seed');
    // this instance's PostgreSQL counter is already seeded: the call is admitted from it
    pgBudget.reserve.mockResolvedValue({ ok: true, usedUnits: 0n });
    await sut.admit(caller, request);
    expect(redis.commandFailed).not.toHaveBeenCalled();
    expect(redis.admit).toHaveBeenCalledTimes(1);
    expect(pgBudget.reserve).toHaveBeenCalledTimes(1);
  });

  describe('when Redis does not answer', () => {
    const spent = { inputTokens: 10, outputTokens: 5, costUsd: '0.05' };
    beforeEach(() => {
      redis.available = true;
      redis.configured = true;
      redis.settle.mockResolvedValue();
      lookup.budgetPolicy.mockResolvedValue(budget('10'));
      pgBudget.reserve.mockResolvedValue({ ok: true, usedUnits: 0n });
    });

    it('starts the PostgreSQL counter from what Redis last said was used when that is more than the recorded spend', async () => {
      redis.admit.mockResolvedValueOnce({ ok: true, budgetUsedUnits: 42_000_000_000n });
      await sut.admit(caller, request);
      redis.admit.mockRejectedValueOnce(new Error('Command timed out'));
      spend.clientSpend.mockResolvedValue('1.5');
      await sut.admit(caller, request);
      const seed = pgBudget.reserve.mock.calls[0][1];
      expect(await seed()).toBe('4.2');
      spend.clientSpend.mockResolvedValue('5');
      expect(await seed()).toBe('5');
    });

    it('tells Redis, once it answers again, what the calls admitted without it spent and cancels the reservation it may have made late', async () => {
      redis.admit.mockRejectedValueOnce(new Error('Command timed out'));
      const local = await sut.admit(caller, request);
      await local.settle(spent);
      expect(pgBudget.settle).toHaveBeenCalledWith(expect.anything(), 500_000_000n);
      expect(redis.settle).not.toHaveBeenCalled();

      redis.admit.mockResolvedValueOnce({ ok: true, budgetUsedUnits: 0n });
      await sut.admit(caller, request);
      await new Promise((resolve) => setImmediate(resolve));
      const sent = redis.settle.mock.calls.map(([req]) => req.budget);
      // the unanswered admission's reservation ($0.25) released if it landed, and the $0.05 spent added
      expect(sent).toEqual([
        expect.objectContaining({ reservedUnits: 2_500_000_000n, actualUnits: 0n }),
        expect.objectContaining({ reservedUnits: 0n, actualUnits: 500_000_000n }),
      ]);
      // before the call that found Redis back was admitted on its counter
      expect(Math.max(...redis.settle.mock.invocationCallOrder)).toBeLessThan(redis.admit.mock.invocationCallOrder[1]);
    });

    it('sends a settlement Redis did not confirm again once it answers', async () => {
      redis.admit.mockResolvedValue({ ok: true, budgetUsedUnits: 0n });
      const admission = await sut.admit(caller, request);
      redis.settle.mockRejectedValueOnce(new Error('Connection is closed.'));
      await admission.settle(spent);
      await sut.admit(caller, request);
      await new Promise((resolve) => setImmediate(resolve));
      expect(redis.settle).toHaveBeenCalledTimes(2);
      expect(redis.settle.mock.calls[1][0]).toEqual(redis.settle.mock.calls[0][0]);
    });
  });

  it('marks the budget alert once per period when spend passes the threshold', async () => {
    lookup.budgetPolicy.mockResolvedValue({ ...budget('10'), budgetAlertThreshold: '0.8' });
    pgBudget.reserve.mockResolvedValue({ ok: true, usedUnits: 85_000_000_000n });
    await sut.admit(caller, request);
    await sut.admit(caller, request);
    expect(clients.markBudgetAlerted).toHaveBeenCalledTimes(1);
    expect(clients.markBudgetAlerted).toHaveBeenCalledWith(caller.clientId, expect.stringMatching(/^\d{4}-\d{2}/));
  });
});
