import { ApiExtension } from '@nestjs/swagger';
import { ErrorCode } from '../errors/error-codes';

/** Where ApiErrors leaves its codes for the document builder (removed from the published document). */
export const ERRORS_EXTENSION = 'x-llmhub-errors';

/** The error codes a route can answer with, each with when it happens (shown in the document). */
export type ErrorCases = Partial<Record<ErrorCode, string>>;

/**
 * Declares the errors a route answers with beyond the ones every route of its
 * kind has (the credential's 401/403, validation_error when it takes input,
 * payload_too_large when it takes a body: those are added by the document
 * builder). The builder turns the codes into one response per status, in the
 * error shape of the route's family, with an example per code.
 */
export const ApiErrors = (cases: ErrorCases) => ApiExtension(ERRORS_EXTENSION, cases);

/** What every generation route can additionally answer (model choice, limits, the provider). */
export const GENERATION_ERRORS: ErrorCases = {
  provider_not_configured: 'the chosen provider has no key configured; the message names the variable to set',
  model_not_allowed: 'the model or provider is outside the client’s allow-list',
  budget_exceeded: 'the client’s hard monthly budget is spent',
  rate_limited: 'the client’s requests- or tokens-per-minute limit is reached; Retry-After says when to try again',
  upstream_error: 'the provider failed after retries and fallbacks',
  provider_unavailable: 'the provider’s circuit is open after repeated failures',
  upstream_timeout: 'the provider did not answer in time',
};
