import { AppError } from '@src/common/errors/app-error';
import { ModelCatalog } from '@src/llm/routing/model-catalog';

const PROVIDER_MODELS: Record<string, readonly string[]> = {
  anthropic: ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'],
  openai: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small', 'dall-e-3'],
  groq: ['llama-3.3-70b-versatile', 'openai/gpt-oss-120b', 'qwen/qwen3-32b'],
  mock: ['echo', 'embed', 'image'],
};
const KNOWN = Object.keys(PROVIDER_MODELS);
const modelsOf = (provider: string): readonly string[] => PROVIDER_MODELS[provider] ?? [];

describe(ModelCatalog.name, () => {
  const sut = new ModelCatalog();
  const resolve = (name: string, known: readonly string[] = KNOWN) => sut.resolve(name, known, modelsOf);

  it.each([
    ['openai/gpt-4o-mini', 'openai', 'gpt-4o-mini'],
    ['anthropic/claude-sonnet-4-5', 'anthropic', 'claude-sonnet-4-5'],
    ['mock/echo', 'mock', 'echo'],
    ['groq/openai/gpt-oss-120b', 'groq', 'openai/gpt-oss-120b'],
    ['claude/claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5'],
    ['Claude/claude-haiku-4-5', 'anthropic', 'claude-haiku-4-5'],
    ['  openai/gpt-4o  ', 'openai', 'gpt-4o'],
  ])('reads %j as provider %s, model %s', (name, provider, model) => {
    expect(resolve(name)).toEqual({ provider, model, id: `${provider}/${model}` });
  });

  it('accepts a known provider with a model missing from its static list', () => {
    expect(resolve('openai/gpt-4.5-preview-2099')).toEqual({ provider: 'openai', model: 'gpt-4.5-preview-2099', id: 'openai/gpt-4.5-preview-2099' });
  });

  it('accepts any model on a custom provider', () => {
    expect(resolve('ollama/llama3:8b', [...KNOWN, 'ollama'])).toEqual({ provider: 'ollama', model: 'llama3:8b', id: 'ollama/llama3:8b' });
  });

  it.each([
    ['gpt-4o-mini', 'openai/gpt-4o-mini'],
    ['claude-sonnet-4-5', 'anthropic/claude-sonnet-4-5'],
    ['llama-3.3-70b-versatile', 'groq/llama-3.3-70b-versatile'],
    ['echo', 'mock/echo'],
    // the first segment is not a provider, so the whole name is a Groq model id
    ['qwen/qwen3-32b', 'groq/qwen/qwen3-32b'],
  ])('finds the provider of the bare name %j in the providers’ model lists', (name, id) => {
    expect(resolve(name).id).toBe(id);
  });

  it('finds a priced model that a provider does not list', () => {
    expect(resolve('claude-3-5-haiku-latest').id).toBe('anthropic/claude-3-5-haiku-latest');
  });

  it.each([
    ['claude-sonnet', 'anthropic/claude-sonnet-4-5'],
    ['claude-haiku', 'anthropic/claude-haiku-4-5'],
    ['gpt-4o-latest', 'openai/gpt-4o'],
    ['gpt-oss-120b', 'groq/openai/gpt-oss-120b'],
    ['anthropic/claude-sonnet', 'anthropic/claude-sonnet-4-5'],
    ['claude/claude-sonnet', 'anthropic/claude-sonnet-4-5'],
  ])('resolves the alias %j to %s', (name, id) => {
    expect(resolve(name).id).toBe(id);
  });

  it('takes the first listed provider when two list the same bare name', () => {
    const models = (p: string): readonly string[] => (p === 'ollama' || p === 'groq' ? ['llama-3.3-70b-versatile'] : []);
    expect(sut.resolve('llama-3.3-70b-versatile', ['ollama', 'groq'], models).id).toBe('ollama/llama-3.3-70b-versatile');
  });

  it.each(['gpt-9-ultra', 'acme/gpt-4o-mini', 'openai/', '', '   '])('rejects %j with a validation error on the model field', (name) => {
    let error: unknown;
    try {
      resolve(name);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AppError);
    const appError = error as AppError;
    expect(appError.code).toBe('validation_error');
    expect(appError.message).toContain(`Unknown model "${name}"`);
    expect(appError.message).toContain('GET /v1/models lists the models you may use');
    expect(appError.details).toEqual([{ field: 'model', message: appError.message }]);
  });

  it('rejects an alias whose provider is not known here', () => {
    expect(() => resolve('claude-sonnet', ['openai'])).toThrow(AppError);
  });
});
