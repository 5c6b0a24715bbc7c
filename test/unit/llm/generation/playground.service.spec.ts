import type { GenerateRequest, GenerateResult, LlmProvider } from '@src/llm/providers/llm-provider';
import { PlaygroundService } from '@src/llm/generation/playground.service';
import { TokensService } from '@src/llm/generation/tokens.service';
import type { UsageAccountingService } from '@src/llm/generation/usage-accounting.service';
import type { ModelResolver, ModelTarget } from '@src/llm/routing/model-resolver.service';
import type { RouterService } from '@src/llm/routing/router.service';

/** The playground with a provider that keeps the requests it was sent; the router makes one attempt. */
function playground(): { sut: PlaygroundService; sent: GenerateRequest[] } {
  const sent: GenerateRequest[] = [];
  const answer: GenerateResult = { text: 'ok', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 1 }, model: 'claude-sonnet-4-5' };
  const provider = { generate: (request: GenerateRequest) => (sent.push(request), Promise.resolve(answer)) } as unknown as LlmProvider;
  const target: ModelTarget = { provider, providerId: 'anthropic', model: 'claude-sonnet-4-5', id: 'anthropic/claude-sonnet-4-5' };
  const models = { targetFor: () => target } as unknown as ModelResolver;
  const router = {
    run: async (targets: ModelTarget[], signal: AbortSignal, call: (t: ModelTarget, s: AbortSignal, timeoutMs: number) => Promise<unknown>) => ({
      value: await call(targets[0], signal, 30_000),
      target: targets[0],
      attempts: 1,
    }),
  } as unknown as RouterService;
  const accounting = {
    cost: (_id: string, usage: { inputTokens: number; outputTokens: number }) => ({ usage, costUsd: '0', priceUnknown: false }),
  } as unknown as UsageAccountingService;
  return { sut: new PlaygroundService(models, router, accounting, new TokensService()), sent };
}

describe(PlaygroundService.name, () => {
  it('tells the provider how long the prompt is when no max_tokens is set, so the cap it picks leaves the prompt its room', async () => {
    const { sut, sent } = playground();
    await sut.run({ system: 'Be brief.', prompt: 'word '.repeat(1_000) });
    expect(sent[0].maxTokens).toBeUndefined();
    expect(sent[0].promptTokensEstimate).toBeGreaterThanOrEqual(1_000);
  });

  it('sends a max_tokens that is set as it is, with no estimate', async () => {
    const { sut, sent } = playground();
    await sut.run({ system: null, prompt: 'Hi', maxTokens: 50 });
    expect(sent[0]).toMatchObject({ maxTokens: 50 });
    expect(sent[0].promptTokensEstimate).toBeUndefined();
  });
});
