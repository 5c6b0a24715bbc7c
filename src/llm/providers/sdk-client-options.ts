import { providerFetch } from './http-transport';
import type { ProviderSettings } from './llm-provider';
import { SDK_LOG_LEVEL } from './sdk-errors';

/**
 * What every provider SDK client is built with: the key and base URL from the
 * provider's settings, no retries of its own (the router retries, with its
 * backoff and circuit breaker), its timeout, no console logging, and requests
 * over the provider's keep-alive Agent.
 */
export function sdkClientOptions(providerId: string, settings: ProviderSettings, apiKey = settings.apiKey) {
  return {
    apiKey,
    baseURL: settings.baseUrl,
    maxRetries: 0,
    timeout: settings.timeoutMs,
    logLevel: SDK_LOG_LEVEL,
    fetch: providerFetch(providerId),
  };
}
