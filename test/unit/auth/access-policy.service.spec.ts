import { AccessPolicy, narrowLimit } from '@src/auth/access-policy.service';
import { Caller } from '@src/common/caller';
import { AppError } from '@src/common/errors/app-error';
import { BUILTIN_PROVIDER_NAMES_PORT } from '@src/llm/providers/provider-names.module';

const caller = (allowedProviders: string[] | null, allowedModels: string[] | null): Caller => ({
  clientId: 'c',
  clientName: 'app',
  apiKeyId: 'k',
  rateLimitRpm: null,
  rateLimitTpm: null,
  allowedProviders,
  allowedModels,
  fallbackModels: null,
  metadata: {},
});

function refusal(fn: () => void): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe(AccessPolicy.name, () => {
  const sut = new AccessPolicy(BUILTIN_PROVIDER_NAMES_PORT);

  it('allows everything when the client has no allow-lists', () => {
    expect(() => sut.assertModelAllowed(caller(null, null), 'openai', 'gpt-4o')).not.toThrow();
  });

  it('matches provider/model, provider/* and bare model entries', () => {
    const c = caller(null, ['openai/gpt-4o-mini', 'anthropic/*', 'llama-3.3-70b-versatile']);
    expect(() => sut.assertModelAllowed(c, 'openai', 'gpt-4o-mini')).not.toThrow();
    expect(() => sut.assertModelAllowed(c, 'anthropic', 'claude-sonnet-4-5')).not.toThrow();
    expect(() => sut.assertModelAllowed(c, 'claude', 'claude-sonnet-4-5')).not.toThrow();
    expect(() => sut.assertModelAllowed(c, 'groq', 'llama-3.3-70b-versatile')).not.toThrow();
  });

  it('refuses a model outside the list with 403 model_not_allowed naming the model and what is allowed', () => {
    const error = refusal(() => sut.assertModelAllowed(caller(null, ['openai/gpt-4o-mini']), 'openai', 'gpt-4o'));
    expect(error.code).toBe('model_not_allowed');
    expect(error.status).toBe(403);
    expect(error.message).toContain('openai/gpt-4o');
    expect(error.message).toContain('openai/gpt-4o-mini');
  });

  it('refuses a provider outside the allowed providers', () => {
    expect(refusal(() => sut.assertModelAllowed(caller(['openai'], null), 'groq', 'llama-3.3-70b-versatile')).code).toBe('model_not_allowed');
  });
});

describe('key narrowing', () => {
  const intersectAllowLists = (client: string[] | null, key: string[] | null) => new AccessPolicy(BUILTIN_PROVIDER_NAMES_PORT).intersectAllowLists(client, key);

  it('keeps only what both the client and the key allow', () => {
    expect(intersectAllowLists(['openai/*'], ['openai/gpt-4o', 'groq/llama'])).toEqual(['openai/gpt-4o']);
    expect(intersectAllowLists(['openai/gpt-4o', 'anthropic/claude'], ['openai/*'])).toEqual(['openai/gpt-4o']);
    expect(intersectAllowLists(null, ['a/b'])).toEqual(['a/b']);
    expect(intersectAllowLists(['a/b'], null)).toEqual(['a/b']);
    expect(intersectAllowLists(['a/b'], ['c/d'])).toEqual([]);
  });

  it('takes the smaller limit', () => {
    expect(narrowLimit(100, 10)).toBe(10);
    expect(narrowLimit(null, 10)).toBe(10);
    expect(narrowLimit(100, null)).toBe(100);
    expect(narrowLimit(null, null)).toBeNull();
  });
});
