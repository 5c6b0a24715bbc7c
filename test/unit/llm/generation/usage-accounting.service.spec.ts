import Decimal from 'decimal.js';
import type { Admission, LimitsService } from '@src/auth/limits/limits.service';
import type { UsageRecord } from '@src/billing/usage-record';
import type { UsageRecorder } from '@src/billing/usage-recorder.service';
import type { Caller } from '@src/common/caller';
import { AppError } from '@src/common/errors/app-error';
import type { PreparedGeneration } from '@src/llm/generation/generation.types';
import type { ModelTarget } from '@src/llm/routing/model-resolver.service';
import type { PricingService } from '@src/llm/pricing/pricing.service';
import type { LlmProvider } from '@src/llm/providers/llm-provider';
import { RoutingError } from '@src/llm/routing/router.service';
import { UsageAccountingService } from '@src/llm/generation/usage-accounting.service';

const caller = { clientId: 'client-1', apiKeyId: 'key-1', clientName: 'c' } as Caller;
const target = (providerId: string, model: string): ModelTarget => ({ provider: {} as LlmProvider, providerId, model, id: `${providerId}/${model}` });
const primary = target('openai', 'gpt-4o-mini');
const fallback = target('groq', 'llama');

const prepared: PreparedGeneration = {
  caller,
  endpoint: '/v1/chat/completions',
  targets: [primary, fallback],
  requestedModel: 'openai/gpt-4o-mini',
  request: { messages: [{ role: 'user', content: 'hi' }] },
  estimatedInputTokens: 100,
  maxOutputTokens: 50,
  template: { id: 't-1', name: 'greeting', version: 3 },
  metadata: { team: 'sales' },
};

describe(UsageAccountingService.name, () => {
  let limits: jest.Mocked<Pick<LimitsService, 'admit'>>;
  let recorder: jest.Mocked<Pick<UsageRecorder, 'record'>>;
  let pricing: jest.Mocked<Pick<PricingService, 'costUsd' | 'maxCostUsd'>>;
  let admission: jest.Mocked<Admission>;
  let sut: UsageAccountingService;
  const recorded = (): UsageRecord[] => recorder.record.mock.calls.map(([row]) => row);

  beforeEach(() => {
    admission = { headers: { 'x-ratelimit-limit-requests': '10' }, settle: jest.fn().mockResolvedValue(undefined) };
    limits = { admit: jest.fn().mockResolvedValue(admission) };
    recorder = { record: jest.fn().mockResolvedValue(undefined) };
    // $1 per million input tokens, $2 per million output tokens; groq has no price
    pricing = {
      costUsd: jest.fn((model: string, usage: { inputTokens: number; outputTokens: number }) =>
        model.startsWith('groq/') ? null : new Decimal(usage.inputTokens).mul('0.000001').plus(new Decimal(usage.outputTokens).mul('0.000002')).toFixed(),
      ),
      maxCostUsd: jest.fn((_model: string, input: number, output: number) =>
        new Decimal(input).mul('0.000001').plus(new Decimal(output).mul('0.000002')).toFixed(),
      ),
    };
    sut = new UsageAccountingService(limits as unknown as LimitsService, recorder as unknown as UsageRecorder, pricing as unknown as PricingService);
  });

  it('prices a call exactly, as a decimal string', () => {
    expect(sut.cost('openai/gpt-4o-mini', { inputTokens: 3, outputTokens: 7 })).toEqual({
      usage: { inputTokens: 3, outputTokens: 7 },
      costUsd: '0.000017',
      priceUnknown: false,
    });
  });

  it('marks a model without a price as price_unknown with a null cost, never $0', () => {
    expect(sut.cost('groq/llama', { inputTokens: 3, outputTokens: 7 })).toMatchObject({ costUsd: null, priceUnknown: true });
  });

  it('admits a prepared generation reserving the most its primary model can cost, and hands the limit headers on', async () => {
    const headers = jest.fn();
    const { base, primary: first } = await sut.admitPrepared(prepared, 'req-1', false, { headers });
    expect(limits.admit).toHaveBeenCalledWith(caller, {
      provider: 'openai',
      model: 'gpt-4o-mini',
      estimatedInputTokens: 100,
      maxOutputTokens: 50,
      maxCostUsd: '0.0002',
      maxTokensGiven: false,
    });
    expect(headers).toHaveBeenCalledWith(admission.headers);
    expect(first).toBe(primary);
    expect(base).toMatchObject({ id: 'req-1', endpoint: '/v1/chat/completions', template: prepared.template, isStream: false });
  });

  it('admits an n > 1 generation with the output of all its choices and says how many there are', async () => {
    await sut.admitPrepared({ ...prepared, request: { ...prepared.request, n: 2 }, maxOutputTokens: 100 }, 'req-n', false);
    expect(limits.admit).toHaveBeenCalledWith(caller, expect.objectContaining({ maxOutputTokens: 100, maxCostUsd: '0.0003', choices: 2 }));
  });

  it('records a refusal by the limits as its own status at zero cost, then rethrows it', async () => {
    const refusal = new AppError('budget_exceeded', 'budget spent');
    limits.admit.mockRejectedValue(refusal);
    await expect(sut.admitPrepared(prepared, 'req-2', true)).rejects.toBe(refusal);
    expect(recorded()).toEqual([
      expect.objectContaining({
        id: 'req-2',
        status: 'budget_exceeded',
        errorCode: 'budget_exceeded',
        costUsd: '0',
        inputTokens: 0,
        attempts: 0,
        isStream: true,
      }),
    ]);
  });

  it('records nothing for an admission failure that is not a refusal', async () => {
    limits.admit.mockRejectedValue(new Error('redis down and pg down'));
    await expect(sut.admitPrepared(prepared, 'req-3', false)).rejects.toThrow('redis down and pg down');
    expect(recorder.record).not.toHaveBeenCalled();
  });

  it('finishes a call with one record and settles the admission with the same numbers', async () => {
    const { base } = await sut.admitPrepared(prepared, 'req-4', false);
    const cost = sut.cost(primary.id, { inputTokens: 80, outputTokens: 20 });
    const onRecorded = jest.fn();
    await sut.finish(admission, { ...base, cost, latencyMs: 12.6, status: 'success', attempts: 1 }, { recorded: onRecorded });
    expect(recorded()).toEqual([
      expect.objectContaining({
        id: 'req-4',
        clientId: 'client-1',
        apiKeyId: 'key-1',
        provider: 'openai',
        model: 'gpt-4o-mini',
        requestedModel: null,
        templateName: 'greeting',
        templateVersion: 3,
        inputTokens: 80,
        outputTokens: 20,
        costUsd: '0.00012',
        latencyMs: 13,
        status: 'success',
        metadata: { team: 'sales' },
      }),
    ]);
    expect(admission.settle).toHaveBeenCalledWith({ inputTokens: 80, outputTokens: 20, costUsd: '0.00012' });
    expect(onRecorded).toHaveBeenCalledTimes(1);
  });

  it('keeps the requested model on the record when a fallback answered', async () => {
    const { base } = await sut.admitPrepared(prepared, 'req-5', false);
    await sut.finish(admission, {
      ...base,
      provider: 'groq',
      model: 'llama',
      cost: sut.cost(fallback.id, { inputTokens: 1, outputTokens: 1 }),
      latencyMs: 1,
      status: 'success',
      attempts: 2,
    });
    expect(recorded()[0]).toMatchObject({
      provider: 'groq',
      model: 'llama',
      requestedModel: 'openai/gpt-4o-mini',
      costUsd: null,
      priceUnknown: true,
      attempts: 2,
    });
  });

  it('records a failed routing as error at zero cost, on the last target tried, with its attempts', async () => {
    const { base, admission: admitted } = await sut.admitPrepared(prepared, 'req-6', false);
    const failure = new RoutingError(new AppError('upstream_error', 'groq/llama failed'), 4, fallback);
    await sut.finishUnrouted(admitted, base, primary, prepared.estimatedInputTokens, failure, 30);
    expect(recorded()[0]).toMatchObject({
      status: 'error',
      provider: 'groq',
      model: 'llama',
      costUsd: '0',
      inputTokens: 0,
      attempts: 4,
      errorCode: 'upstream_error',
    });
    expect(admission.settle).toHaveBeenCalledWith({ inputTokens: 0, outputTokens: 0, costUsd: '0' });
  });

  it('records a call the client cancelled with its prompt counted and priced, since it was sent upstream', async () => {
    const { base, admission: admitted } = await sut.admitPrepared(prepared, 'req-7', false);
    const cancelled = new RoutingError(new AppError('client_closed_request', 'The client closed the request'), 1, primary, true);
    await sut.finishUnrouted(admitted, base, primary, prepared.estimatedInputTokens, cancelled, 5);
    expect(recorded()[0]).toMatchObject({
      status: 'cancelled',
      errorCode: 'client_closed_request',
      inputTokens: 100,
      outputTokens: 0,
      costUsd: '0.0001',
      attempts: 1,
    });
  });

  it('records an unexpected failure as internal_error against the primary target', async () => {
    const { base, admission: admitted } = await sut.admitPrepared(prepared, 'req-8', false);
    await sut.finishUnrouted(admitted, base, primary, prepared.estimatedInputTokens, new TypeError('x is undefined'), 5);
    expect(recorded()[0]).toMatchObject({ status: 'error', provider: 'openai', errorCode: 'internal_error', attempts: 1 });
  });

  it('still records the call when settling the limits fails', async () => {
    admission.settle.mockRejectedValue(new Error('redis gone'));
    const { base } = await sut.admitPrepared(prepared, 'req-9', false);
    await sut.finish(admission, { ...base, cost: sut.cost(primary.id, { inputTokens: 1, outputTokens: 1 }), latencyMs: 1, status: 'success', attempts: 1 });
    expect(recorder.record).toHaveBeenCalledTimes(1);
  });
});
