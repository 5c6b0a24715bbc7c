import type { AccessPolicy } from '@src/auth/access-policy.service';
import type { Caller } from '@src/common/caller';
import { AppError } from '@src/common/errors/app-error';
import { DEFAULT_OUTPUT_ESTIMATE, GenerationPlanner } from '@src/llm/generation/generation-planner.service';
import type { GenerationInput } from '@src/llm/generation/generation.types';
import type { TokensService } from '@src/llm/generation/tokens.service';
import type { LlmProvider } from '@src/llm/providers/llm-provider';
import type { ProviderCapability } from '@src/llm/providers/provider-descriptor';
import type { ModelResolver, ModelTarget } from '@src/llm/routing/model-resolver.service';
import type { PromptsService } from '@src/prompts/prompts.service';

function targetOf(providerId: string, model: string, capabilities: ProviderCapability[]): ModelTarget {
  const provider = { id: providerId, descriptor: { id: providerId, aliases: [], capabilities, models: [] } } as unknown as LlmProvider;
  return { provider, providerId, model, id: `${providerId}/${model}` };
}

describe(GenerationPlanner.name, () => {
  const openai = targetOf('openai', 'gpt-4o-mini', ['chat', 'stream', 'response_format', 'response_format_with_tools', 'logprobs', 'n', 'reasoning_effort']);
  const groq = targetOf('groq', 'llama-3.3-70b-versatile', ['chat', 'stream', 'response_format', 'response_format_with_tools']);
  const anthropic = targetOf('anthropic', 'claude-haiku-4-5', ['chat', 'stream', 'thinking']);
  // response_format through a forced tool of its own: not together with the caller's tools
  const claude = targetOf('claude', 'claude-sonnet-4-5', ['chat', 'stream', 'response_format']);
  const byId = new Map([openai, groq, anthropic, claude].map((t) => [t.id, t]));

  let models: jest.Mocked<Pick<ModelResolver, 'targetFor' | 'resolve' | 'providersWith'>>;
  let sut: GenerationPlanner;

  beforeEach(() => {
    models = {
      targetFor: jest.fn((model: string | undefined) => byId.get(model ?? '')!) as never,
      resolve: jest.fn((name: string) => byId.get(name)!),
      providersWith: jest.fn((capability: ProviderCapability) =>
        [openai, groq].filter((t) => t.provider.descriptor.capabilities.includes(capability)).map((t) => t.providerId),
      ),
    };
    const access: jest.Mocked<Pick<AccessPolicy, 'assertModelAllowed'>> = { assertModelAllowed: jest.fn() };
    const tokens: jest.Mocked<Pick<TokensService, 'countMessages' | 'countTools' | 'countResponseFormat'>> = {
      countMessages: jest.fn().mockReturnValue(3),
      countTools: jest.fn((tools) => (tools?.length ?? 0) * 40),
      countResponseFormat: jest.fn((format) => (format?.type === 'json_schema' ? 500 : 0)),
    };
    sut = new GenerationPlanner(
      models as unknown as ModelResolver,
      access as unknown as AccessPolicy,
      {} as PromptsService,
      tokens as unknown as TokensService,
    );
  });

  const input = (model: string, params: GenerationInput['params'], extra: Partial<GenerationInput> = {}): GenerationInput => ({
    caller: { clientId: 'c-1', fallbackModels: null } as unknown as Caller,
    requestId: 'r-1',
    endpoint: '/v1/chat/completions',
    model,
    messages: [{ role: 'user', content: 'hi' }],
    params,
    ...extra,
  });

  async function refusal(promise: Promise<unknown>): Promise<AppError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }

  it('passes response_format and logprobs on to a provider that carries them', async () => {
    const prepared = await sut.prepare(input('openai/gpt-4o-mini', { responseFormat: { type: 'json_object' }, logprobs: true, topLogprobs: 2 }));
    expect(prepared.request).toMatchObject({ responseFormat: { type: 'json_object' }, logprobs: true, topLogprobs: 2 });
  });

  it('refuses response_format for a provider without it with a 400 naming the field and the providers that take it', async () => {
    const error = await refusal(sut.prepare(input('anthropic/claude-haiku-4-5', { responseFormat: { type: 'json_object' } })));
    expect(error.code).toBe('validation_error');
    expect(error.message).toBe('response_format is not supported by anthropic models (anthropic/claude-haiku-4-5); it is supported by openai and groq models');
    expect(error.details).toEqual([{ field: 'response_format', message: 'not supported by anthropic; supported by openai and groq models' }]);
  });

  it('refuses response_format together with tools for a provider with response_format alone, naming response_format', async () => {
    const tools = [{ name: 'lookup', parameters: { type: 'object' } }];
    const error = await refusal(sut.prepare(input('claude/claude-sonnet-4-5', { responseFormat: { type: 'json_object' }, tools })));
    expect(error.message).toBe(
      'response_format together with tools is not supported by claude models (claude/claude-sonnet-4-5); it is supported by openai and groq models',
    );
    expect(error.details).toEqual([{ field: 'response_format', message: 'with tools: not supported by claude; supported by openai and groq models' }]);
    // without tools it passes
    const prepared = await sut.prepare(input('claude/claude-sonnet-4-5', { responseFormat: { type: 'json_object' } }));
    expect(prepared.request).toMatchObject({ responseFormat: { type: 'json_object' } });
  });

  it('refuses logprobs for a provider with response_format but not logprobs', async () => {
    const error = await refusal(sut.prepare(input('groq/llama-3.3-70b-versatile', { logprobs: true })));
    expect(error.details).toEqual([{ field: 'logprobs', message: 'not supported by groq; supported by openai models' }]);
  });

  it('names an explicit fallback that cannot honour the option, and skips such a client default fallback', async () => {
    const explicit = await refusal(
      sut.prepare(
        input('openai/gpt-4o-mini', { responseFormat: { type: 'json_object' } }, { fallbacks: ['groq/llama-3.3-70b-versatile', 'anthropic/claude-haiku-4-5'] }),
      ),
    );
    expect(explicit.details).toEqual([{ field: 'fallbacks[1]', message: 'anthropic does not support response_format' }]);

    const caller = { clientId: 'c-1', fallbackModels: ['anthropic/claude-haiku-4-5', 'groq/llama-3.3-70b-versatile'] } as unknown as Caller;
    const prepared = await sut.prepare(input('openai/gpt-4o-mini', { responseFormat: { type: 'json_object' } }, { caller }));
    expect(prepared.targets.map((t) => t.id)).toEqual(['openai/gpt-4o-mini', 'groq/llama-3.3-70b-versatile']);
  });

  it('reserves a thinking budget as output when the request sets no max_tokens (which bounds the thinking when set)', async () => {
    const thinking = { type: 'enabled' as const, budgetTokens: 8_000 };
    expect((await sut.prepare(input('anthropic/claude-haiku-4-5', { thinking }))).maxOutputTokens).toBe(8_000 + DEFAULT_OUTPUT_ESTIMATE);
    expect((await sut.prepare(input('anthropic/claude-haiku-4-5', { thinking, maxTokens: 10_000 }))).maxOutputTokens).toBe(10_000);
    expect((await sut.prepare(input('anthropic/claude-haiku-4-5', { thinking: { type: 'adaptive' } }))).maxOutputTokens).toBe(DEFAULT_OUTPUT_ESTIMATE);
  });

  it('passes reasoning_effort on to a provider that takes it, and refuses it for one that does not, naming it', async () => {
    expect((await sut.prepare(input('openai/gpt-4o-mini', { reasoningEffort: 'low' }))).request).toMatchObject({ reasoningEffort: 'low' });
    const error = await refusal(sut.prepare(input('anthropic/claude-haiku-4-5', { reasoningEffort: 'low' })));
    expect(error.details).toEqual([
      { field: 'reasoning_effort', message: 'not supported by anthropic; supported by openai models; anthropic models take thinking instead' },
    ]);
  });

  describe('n', () => {
    it('passes n on to a provider that takes it, and reserves max_tokens for each of the n choices', async () => {
      const prepared = await sut.prepare(input('openai/gpt-4o-mini', { maxTokens: 100, n: 3 }));
      expect(prepared.request).toMatchObject({ n: 3, maxTokens: 100 });
      expect(prepared.maxOutputTokens).toBe(300);
    });

    it('reserves the default output estimate for each choice when no max_tokens is set', async () => {
      const prepared = await sut.prepare(input('openai/gpt-4o-mini', { n: 2 }));
      expect(prepared.maxOutputTokens).toBe(2 * DEFAULT_OUTPUT_ESTIMATE);
      expect((await sut.prepare(input('openai/gpt-4o-mini', { maxTokens: 100 }))).maxOutputTokens).toBe(100);
    });

    it('refuses n > 1 for groq and anthropic with a 400 naming n and the providers that take it', async () => {
      const groqError = await refusal(sut.prepare(input('groq/llama-3.3-70b-versatile', { n: 2 })));
      expect(groqError.code).toBe('validation_error');
      expect(groqError.message).toBe('n is not supported by groq models (groq/llama-3.3-70b-versatile); it is supported by openai models');
      expect(groqError.details).toEqual([{ field: 'n', message: 'not supported by groq; supported by openai models' }]);
      const anthropicError = await refusal(sut.prepare(input('anthropic/claude-haiku-4-5', { n: 2 })));
      expect(anthropicError.details).toEqual([{ field: 'n', message: 'not supported by anthropic; supported by openai models' }]);
    });

    it('refuses an explicit fallback without n, and skips such a client default fallback rather than answer one choice', async () => {
      const explicit = await refusal(sut.prepare(input('openai/gpt-4o-mini', { n: 2 }, { fallbacks: ['groq/llama-3.3-70b-versatile'] })));
      expect(explicit.details).toEqual([{ field: 'fallbacks[0]', message: 'groq does not support n' }]);

      const caller = { clientId: 'c-1', fallbackModels: ['groq/llama-3.3-70b-versatile', 'anthropic/claude-haiku-4-5'] } as unknown as Caller;
      const prepared = await sut.prepare(input('openai/gpt-4o-mini', { n: 2 }, { caller }));
      expect(prepared.targets.map((t) => t.id)).toEqual(['openai/gpt-4o-mini']);
    });
  });

  it("estimates the input as the messages plus the tools' definitions, so a call with large schemas reserves for them", async () => {
    const tool = { name: 'lookup', parameters: { type: 'object' } };
    expect((await sut.prepare(input('openai/gpt-4o-mini', {}))).estimatedInputTokens).toBe(3);
    expect((await sut.prepare(input('openai/gpt-4o-mini', { tools: [tool, tool] }))).estimatedInputTokens).toBe(3 + 80);
    const responseFormat = { type: 'json_schema' as const, jsonSchema: { name: 'answer', schema: { type: 'object' } } };
    expect((await sut.prepare(input('openai/gpt-4o-mini', { responseFormat }))).estimatedInputTokens).toBe(3 + 500);
  });

  it('hands the provider its prompt estimate when the request sets no output cap, and the maximum it reserves stays the default', async () => {
    const uncapped = await sut.prepare(input('anthropic/claude-haiku-4-5', {}));
    expect(uncapped.request.promptTokensEstimate).toBe(3);
    expect(uncapped.maxOutputTokens).toBe(1024);
    const capped = await sut.prepare(input('anthropic/claude-haiku-4-5', { maxTokens: 5 }));
    expect(capped.request).not.toHaveProperty('promptTokensEstimate');
    expect(capped.maxOutputTokens).toBe(5);
  });

  it('does no capability work for a request without these options', async () => {
    const prepared = await sut.prepare(input('anthropic/claude-haiku-4-5', { maxTokens: 5 }));
    expect(prepared.targets.map((t) => t.id)).toEqual(['anthropic/claude-haiku-4-5']);
    expect(models.providersWith).not.toHaveBeenCalled();
  });

  it('refuses an image in a tool result for a provider whose tool messages hold text only, naming messages', async () => {
    const screenshot: GenerationInput['messages'] = [
      { role: 'user', content: 'Take a screenshot' },
      { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'shot', arguments: '{}' }] },
      { role: 'tool', toolCallId: 't1', content: [{ type: 'image', url: 'data:image/png;base64,AAAA' }] },
    ];
    models.providersWith.mockReturnValue(['anthropic']);
    const error = await refusal(sut.prepare(input('openai/gpt-4o-mini', {}, { messages: screenshot })));
    expect(error.message).toBe('an image in a tool result is not supported by openai models (openai/gpt-4o-mini); it is supported by anthropic models');
    expect(error.details).toEqual([{ field: 'messages', message: 'an image in a tool result: not supported by openai; supported by anthropic models' }]);
    const withImages = targetOf('anthropic', 'claude-haiku-4-5', ['chat', 'stream', 'tool_result_images']);
    models.targetFor.mockReturnValue(withImages);
    await expect(sut.prepare(input('anthropic/claude-haiku-4-5', {}, { messages: screenshot }))).resolves.toMatchObject({ targets: [withImages] });
  });

  it('refuses more stop sequences than the provider declares it takes, naming stop', async () => {
    const limited = targetOf('openai', 'gpt-4o-mini', ['chat', 'stream']);
    (limited.provider.descriptor as { stopSequences?: object }).stopSequences = { max: 4 };
    models.targetFor.mockReturnValue(limited);
    const error = await refusal(sut.prepare(input('openai/gpt-4o-mini', { stop: ['a', 'b', 'c', 'd', 'e'] })));
    expect(error.details).toEqual([{ field: 'stop', message: 'openai models take at most 4 stop sequences; the request has 5' }]);
    await expect(sut.prepare(input('openai/gpt-4o-mini', { stop: ['a', 'b', 'c', 'd'] }))).resolves.toMatchObject({ request: { stop: ['a', 'b', 'c', 'd'] } });
  });

  it("refuses a thinking budget not below the model's maximum output when the request sets no max_tokens, naming it", async () => {
    const limited = targetOf('anthropic', 'claude-opus-4-1', ['chat', 'stream', 'thinking']);
    (limited.provider.descriptor as { maxOutputTokens?: (model: string) => number | undefined }).maxOutputTokens = (model) =>
      model === 'claude-opus-4-1' ? 32_000 : undefined;
    models.targetFor.mockReturnValue(limited);
    const error = await refusal(sut.prepare(input('anthropic/claude-opus-4-1', { thinking: { type: 'enabled', budgetTokens: 32_000 } })));
    expect(error.details).toEqual([
      {
        field: 'thinking.budget_tokens',
        message: 'anthropic/claude-opus-4-1 writes at most 32000 output tokens, thinking included: give a budget below 32000',
      },
    ]);
    // below it, or bounded by a max_tokens of the request's own (its reader checks the budget against that)
    await expect(sut.prepare(input('anthropic/claude-opus-4-1', { thinking: { type: 'enabled', budgetTokens: 31_999 } }))).resolves.toBeDefined();
    await expect(
      sut.prepare(input('anthropic/claude-opus-4-1', { thinking: { type: 'enabled', budgetTokens: 40_000 }, maxTokens: 50_000 })),
    ).resolves.toBeDefined();
  });
});
