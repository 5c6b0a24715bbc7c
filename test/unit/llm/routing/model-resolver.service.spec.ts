import { ModelCatalog } from '@src/llm/routing/model-catalog';
import { ModelResolver } from '@src/llm/routing/model-resolver.service';
import type { LlmProvider, ProviderModel } from '@src/llm/providers/llm-provider';
import { ProviderRegistry } from '@src/llm/providers/provider-registry';

function provider(id: string, models: ProviderModel[], configured = true): LlmProvider {
  return { id, isConfigured: () => configured, listModels: () => models } as unknown as LlmProvider;
}

describe(ModelResolver.name, () => {
  const anthropic = provider('anthropic', [{ id: 'claude-sonnet-4-5', kind: 'chat' }]);
  const openai = provider('openai', [
    { id: 'gpt-4o-mini', kind: 'chat' },
    { id: 'text-embedding-3-small', kind: 'embedding' },
  ]);
  const groq = provider('groq', [{ id: 'llama-3.3-70b-versatile', kind: 'chat' }], false);
  let sut: ModelResolver;

  beforeEach(() => {
    sut = new ModelResolver(new ProviderRegistry([anthropic, openai, groq]), new ModelCatalog());
  });

  it('resolves provider/model to that provider and its own model id', () => {
    expect(sut.resolve('openai/gpt-4o-mini')).toEqual({ provider: openai, providerId: 'openai', model: 'gpt-4o-mini', id: 'openai/gpt-4o-mini' });
  });

  it('accepts a provider alias (claude/… is anthropic/…)', () => {
    expect(sut.resolve('claude/claude-sonnet-4-5').id).toBe('anthropic/claude-sonnet-4-5');
  });

  it('finds a bare model name among the configured providers', () => {
    expect(sut.resolve('gpt-4o-mini').id).toBe('openai/gpt-4o-mini');
  });

  it('narrows a bare name by an explicit provider, with or without its prefix', () => {
    expect(sut.resolve('gpt-4o-mini', 'openai').id).toBe('openai/gpt-4o-mini');
    expect(sut.resolve('openai/gpt-4o-mini', 'openai').id).toBe('openai/gpt-4o-mini');
  });

  it('refuses an unknown model with a validation_error naming it', () => {
    expect(() => sut.resolve('no-such-model')).toThrow(
      expect.objectContaining({ code: 'validation_error', message: expect.stringContaining('"no-such-model"') }),
    );
  });

  it('refuses an empty model name after the provider prefix', () => {
    expect(() => sut.resolve('openai/')).toThrow(expect.objectContaining({ code: 'validation_error', message: 'Model name missing after "openai/"' }));
  });

  it('refuses a model name holding a control character, which no provider names a model with, and trims the ends', () => {
    for (const name of ['openai/gpt\n-4o', 'openai/gpt-4o\u0000', 'gpt\t4o', 'openai/x\u007fy', 'openai/x\u0085y']) {
      expect(() => sut.resolve(name)).toThrow(expect.objectContaining({ code: 'validation_error' }));
      expect(() => sut.resolve(name, 'openai')).toThrow(expect.objectContaining({ code: 'validation_error' }));
    }
    expect(() => sut.resolve('openai/gpt\n-4o')).toThrow(
      expect.objectContaining({ message: 'Model name "gpt\\n-4o" holds a control character (a newline, a tab, a NUL or another)' }),
    );
    expect(sut.resolve('\n openai/gpt-4o-mini\t').id).toBe('openai/gpt-4o-mini');
  });

  it('refuses an unknown provider hint as a validation error naming the field', () => {
    const refusal = expect.objectContaining({ code: 'validation_error', details: [{ field: 'provider', message: 'unknown provider "nope"' }] });
    expect(() => sut.resolve('x', 'nope')).toThrow(refusal);
    expect(() => sut.defaultTarget('chat', 'nope')).toThrow(refusal);
  });

  it('defaults to the first configured provider offering a model of the kind asked', () => {
    expect(sut.defaultTarget('chat').id).toBe('anthropic/claude-sonnet-4-5');
    expect(sut.defaultTarget('embedding').id).toBe('openai/text-embedding-3-small');
    expect(sut.targetFor(undefined, 'groq', 'chat').id).toBe('groq/llama-3.3-70b-versatile');
  });

  it("refuses a built-in provider's model of another kind, naming one of the kind asked, and passes models of no known kind", () => {
    expect(() => sut.targetFor('openai/gpt-4o-mini', undefined, 'embedding')).toThrow(
      expect.objectContaining({
        code: 'validation_error',
        message: 'openai/gpt-4o-mini is a chat model; this route takes an embedding model such as openai/text-embedding-3-small',
        details: [{ field: 'model', message: 'a chat model, not an embedding model' }],
      }),
    );
    expect(() => sut.targetFor('text-embedding-3-small', undefined, 'chat')).toThrow(
      expect.objectContaining({ details: [{ field: 'model', message: 'an embedding model, not a chat model' }] }),
    );
    expect(sut.targetFor('openai/text-embedding-3-small', undefined, 'embedding').id).toBe('openai/text-embedding-3-small');
    // not in OpenAI's list (a fine-tune, a newer model): no kind known, the provider decides
    expect(sut.targetFor('openai/ft:gpt-4o-mini:acme', undefined, 'embedding').id).toBe('openai/ft:gpt-4o-mini:acme');
  });

  it('refuses a request without a model when no configured provider offers that kind', () => {
    expect(() => sut.defaultTarget('image')).toThrow(expect.objectContaining({ code: 'validation_error', details: [{ field: 'model', message: 'required' }] }));
  });
});
