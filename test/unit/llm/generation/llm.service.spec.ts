import type { Admission } from '@src/auth/limits/limits.service';
import type { Caller } from '@src/common/caller';
import { AppError } from '@src/common/errors/app-error';
import type { GenerationPlanner } from '@src/llm/generation/generation-planner.service';
import type { GenerationHooks, GenerationInput, PreparedGeneration } from '@src/llm/generation/generation.types';
import { LlmService } from '@src/llm/generation/llm.service';
import type { ModelTarget } from '@src/llm/routing/model-resolver.service';
import type { GenerateRequest, GenerateResult, LlmProvider } from '@src/llm/providers/llm-provider';
import type { RouterService } from '@src/llm/routing/router.service';
import type { StreamGenerationService } from '@src/llm/generation/stream-generation.service';
import type { TokensService } from '@src/llm/generation/tokens.service';
import type { UsageAccountingService } from '@src/llm/generation/usage-accounting.service';

describe(LlmService.name, () => {
  const generate = jest.fn<Promise<GenerateResult>, [GenerateRequest, AbortSignal]>();
  const target: ModelTarget = {
    provider: { id: 'openai', generate } as unknown as LlmProvider,
    providerId: 'openai',
    model: 'gpt-4o-mini',
    id: 'openai/gpt-4o-mini',
  };
  const prepared: PreparedGeneration = {
    caller: { clientId: 'c-1' } as Caller,
    endpoint: '/api/v1/llm/generate',
    targets: [target],
    requestedModel: 'openai/gpt-4o-mini',
    request: { messages: [{ role: 'user', content: 'hello' }], maxTokens: 20 },
    estimatedInputTokens: 9,
    maxOutputTokens: 20,
    template: null,
    metadata: null,
  };
  const input = { requestId: 'req-1', hooks: {}, signal: new AbortController().signal } as unknown as GenerationInput;
  const admission: Admission = { headers: { 'x-ratelimit-remaining-requests': '4' }, settle: async () => undefined };
  const base = { id: 'req-1', createdAt: new Date('2026-11-30T12:00:00Z') } as Awaited<ReturnType<UsageAccountingService['admitPrepared']>>['base'];

  let planner: jest.Mocked<Pick<GenerationPlanner, 'prepare'>>;
  let router: jest.Mocked<Pick<RouterService, 'run'>>;
  let accounting: jest.Mocked<Pick<UsageAccountingService, 'admitPrepared' | 'cost' | 'finish' | 'finishUnrouted'>>;
  let tokens: jest.Mocked<Pick<TokensService, 'count'>>;
  let streams: jest.Mocked<Pick<StreamGenerationService, 'run'>>;
  let sut: LlmService;

  beforeEach(() => {
    generate.mockReset();
    planner = { prepare: jest.fn().mockResolvedValue(prepared) };
    // the router calls the given function once on the first target
    router = { run: jest.fn(async (targets, signal, call) => ({ value: await call(targets[0], signal, 1_000), target: targets[0]!, attempts: 1 })) as never };
    accounting = {
      admitPrepared: jest
        .fn()
        .mockImplementation((prepared: PreparedGeneration, _id: string, _stream: boolean, hooks: GenerationHooks | undefined) =>
          Promise.resolve({ base, admission, primary: target, cancelledInputTokens: prepared.estimatedInputTokens, hooks, started: performance.now() }),
        ),
      cost: jest.fn((_id, usage) => ({ usage, costUsd: '0.0042', priceUnknown: false })),
      finish: jest.fn().mockResolvedValue(undefined),
      finishUnrouted: jest.fn().mockResolvedValue(undefined),
    };
    tokens = { count: jest.fn().mockReturnValue(7) };
    streams = { run: jest.fn().mockResolvedValue(undefined) };
    sut = new LlmService(
      planner as unknown as GenerationPlanner,
      router as unknown as RouterService,
      accounting as unknown as UsageAccountingService,
      tokens as unknown as TokensService,
      streams as unknown as StreamGenerationService,
    );
  });

  it('plans, admits, routes to the provider with the model and timeout, prices and records one success', async () => {
    generate.mockResolvedValue({ text: 'hi there', model: 'gpt-4o-mini', finishReason: 'stop', usage: { inputTokens: 9, outputTokens: 3 } });
    const outcome = await sut.generate(input);
    expect(generate).toHaveBeenCalledWith({ messages: prepared.request.messages, maxTokens: 20, model: 'gpt-4o-mini', timeoutMs: 1_000 }, input.signal);
    expect(accounting.cost).toHaveBeenCalledWith('openai/gpt-4o-mini', { inputTokens: 9, outputTokens: 3 });
    expect(accounting.finish).toHaveBeenCalledWith(
      admission,
      expect.objectContaining({ provider: 'openai', model: 'gpt-4o-mini', status: 'success', attempts: 1 }),
      input.hooks,
    );
    expect(outcome).toMatchObject({
      requestId: 'req-1',
      text: 'hi there',
      finishReason: 'stop',
      costUsd: '0.0042',
      usage: { inputTokens: 9, outputTokens: 3 },
      headers: admission.headers,
      createdAt: base.createdAt,
    });
  });

  it('counts the output itself when the provider reports no usage', async () => {
    generate.mockResolvedValue({ text: 'counted', finishReason: 'stop', usage: null } as unknown as GenerateResult);
    const outcome = await sut.generate(input);
    expect(tokens.count).toHaveBeenCalledWith('counted');
    expect(outcome.usage).toEqual({ inputTokens: 9, outputTokens: 7 });
  });

  it('answers a refusal apart from the text, and counts its words as output when the provider reports no usage', async () => {
    generate.mockResolvedValue({ text: '', refusal: 'I cannot.', finishReason: 'stop', usage: null } as unknown as GenerateResult);
    const outcome = await sut.generate(input);
    expect(tokens.count).toHaveBeenCalledWith('I cannot.');
    expect(outcome).toMatchObject({ text: '', refusal: 'I cannot.', usage: { inputTokens: 9, outputTokens: 7 } });
  });

  it("answers every choice of an n > 1 call, priced once from the provider's usage for them all", async () => {
    generate.mockResolvedValue({
      text: 'a',
      finishReason: 'stop',
      model: 'gpt-4o-mini',
      usage: { inputTokens: 9, outputTokens: 6 },
      extraChoices: [
        { text: 'b', finishReason: 'length' },
        { text: 'c', finishReason: 'stop' },
      ],
    });
    const outcome = await sut.generate(input);
    expect(accounting.cost).toHaveBeenCalledTimes(1);
    expect(accounting.cost).toHaveBeenCalledWith('openai/gpt-4o-mini', { inputTokens: 9, outputTokens: 6 });
    expect(accounting.finish).toHaveBeenCalledTimes(1);
    expect(outcome).toMatchObject({
      text: 'a',
      extraChoices: [
        { text: 'b', finishReason: 'length' },
        { text: 'c', finishReason: 'stop' },
      ],
    });
  });

  it('counts every choice when an n > 1 call comes without usage', async () => {
    generate.mockResolvedValue({
      text: 'one',
      finishReason: 'stop',
      usage: null,
      extraChoices: [{ text: 'two', finishReason: 'stop' }],
    } as unknown as GenerateResult);
    const outcome = await sut.generate(input);
    expect(tokens.count.mock.calls).toEqual([['one'], ['two']]);
    expect(outcome.usage).toEqual({ inputTokens: 9, outputTokens: 14 });
  });

  it('records a routing failure with finishUnrouted and rethrows it unchanged', async () => {
    const failure = new AppError('upstream_error', 'openai/gpt-4o-mini failed after 3 attempts');
    router.run.mockRejectedValue(failure);
    await expect(sut.generate(input)).rejects.toBe(failure);
    expect(accounting.finishUnrouted).toHaveBeenCalledWith(admission, base, target, 9, failure, expect.any(Number), input.hooks);
    expect(accounting.finish).not.toHaveBeenCalled();
  });

  it('does not route when admission refuses the call', async () => {
    accounting.admitPrepared.mockRejectedValue(new AppError('rate_limited', 'slow down'));
    await expect(sut.generate(input)).rejects.toMatchObject({ code: 'rate_limited' });
    expect(router.run).not.toHaveBeenCalled();
  });

  it('hands a stream to the stream service with the prepared generation and the client signal', async () => {
    const sink = { open: jest.fn(), event: jest.fn(), close: jest.fn(), fail: jest.fn() };
    await sut.stream(input, sink);
    expect(streams.run).toHaveBeenCalledWith(prepared, 'req-1', sink, input.hooks, input.signal);
  });
});
