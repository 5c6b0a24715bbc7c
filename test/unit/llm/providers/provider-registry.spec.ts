import { AppError } from '@src/common/errors/app-error';
import { LlmProvider } from '@src/llm/providers/llm-provider';
import { ProviderRegistry } from '@src/llm/providers/provider-registry';

function fakeProvider(id: string): LlmProvider {
  return {
    id,
    descriptor: { id, aliases: [], capabilities: ['chat', 'stream'], models: [] },
    configure: jest.fn(),
    isConfigured: () => true,
    listModels: () => [],
    generate: jest.fn(),
    stream: jest.fn(),
  };
}

describe(ProviderRegistry.name, () => {
  const anthropic = fakeProvider('anthropic');
  const openai = fakeProvider('openai');
  const sut = new ProviderRegistry([anthropic, openai]);

  it('finds a provider by its id', () => {
    expect(sut.get('openai')).toBe(openai);
    expect(sut.find('anthropic')).toBe(anthropic);
  });

  it('accepts claude as an alias of anthropic', () => {
    expect(sut.get('claude')).toBe(anthropic);
  });

  it('answers provider_unavailable for an unknown id', () => {
    const thrown = (() => {
      try {
        sut.get('cohere');
      } catch (err) {
        return err;
      }
      return undefined;
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'provider_unavailable', status: 503 });
  });

  it('finds nothing for unknown ids or inherited object keys', () => {
    expect(sut.find('cohere')).toBeUndefined();
    expect(sut.find('constructor')).toBeUndefined();
  });

  it('lists every registered provider', () => {
    expect(sut.all()).toEqual([anthropic, openai]);
  });

  it('refuses two providers with the same id', () => {
    expect(() => new ProviderRegistry([fakeProvider('groq'), fakeProvider('groq')])).toThrow(/groq/);
  });
});
