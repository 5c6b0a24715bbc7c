import type { Type } from '@nestjs/common';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import type { BuiltinProviderId } from './builtin-providers';
import { GroqProvider } from './groq/groq.provider';
import type { LlmProvider } from './llm-provider';
import { MockProvider } from './mock/mock.provider';
import { OpenAiProvider } from './openai/openai.provider';

/**
 * The strategy class of each built-in provider. Keyed by the ids of BUILTIN_PROVIDERS, so a provider
 * registered there without its class here does not compile. Kept apart from the descriptors because
 * the classes load the SDKs.
 */
export const PROVIDER_STRATEGIES: { readonly [Id in BuiltinProviderId]: Type<LlmProvider> } = {
  anthropic: AnthropicProvider,
  openai: OpenAiProvider,
  groq: GroqProvider,
  mock: MockProvider,
};
