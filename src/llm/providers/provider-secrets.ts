/**
 * The provider keys this process has been given (environment or console), so
 * that a provider's error message never carries one to a client, a log line or
 * the console. Some providers, and many OpenAI-compatible servers behind a
 * custom base URL, echo the key they were sent in their error text ("Incorrect
 * API key provided: sk-…"); every such message becomes a ProviderError, whose
 * constructor passes it through withoutProviderSecrets(). A key replaced in the
 * console stays listed: an old key echoed later is still hidden.
 */
const secrets = new Set<string>();

/** The shortest key that is looked for: shorter strings would hide ordinary words. */
const MIN_SECRET_LENGTH = 8;

export const REDACTED_SECRET = '[redacted]';

export function registerProviderSecret(secret: string | undefined | null): void {
  if (typeof secret === 'string' && secret.trim().length >= MIN_SECRET_LENGTH) secrets.add(secret.trim());
}

/** The message with every registered provider key replaced by [redacted]. */
export function withoutProviderSecrets(message: string): string {
  let out = message;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED_SECRET);
  return out;
}
