import { OpenAPIObject } from '@nestjs/swagger';
import type { HeaderObject, ResponseObject } from './openapi-types';

const REQUEST_ID: HeaderObject = {
  description: 'The id of this call; for a generation, also the id of its record in the usage log (`request_id` in bodies).',
  schema: { type: 'string', format: 'uuid' },
};

const ANTHROPIC_REQUEST_ID: HeaderObject = {
  description: 'The same id under the name Anthropic uses, which its SDK reads (`_request_id`, an error’s `requestID`).',
  schema: { type: 'string', format: 'uuid' },
};

const OVERHEAD: HeaderObject = {
  description: 'How long LLMHub itself worked on this request, in milliseconds (time waiting for a provider excluded; for a stream, up to its first byte).',
  schema: { type: 'number', example: 1.8 },
};

/** Sent on generation routes when a rate limit applies to the client (the OpenAI convention). */
const RATE_LIMIT: Record<string, HeaderObject> = {
  'x-ratelimit-limit-requests': { description: 'Requests per minute allowed (when an RPM limit applies).', schema: { type: 'integer' } },
  'x-ratelimit-remaining-requests': { description: 'Requests left in the current minute.', schema: { type: 'integer' } },
  'x-ratelimit-reset-requests': { description: 'When the request budget is full again, e.g. `12s`.', schema: { type: 'string' } },
  'x-ratelimit-limit-tokens': { description: 'Tokens per minute allowed (when a TPM limit applies).', schema: { type: 'integer' } },
  'x-ratelimit-remaining-tokens': { description: 'Tokens left in the current minute.', schema: { type: 'integer' } },
  'x-ratelimit-reset-tokens': { description: 'When the token budget is full again, e.g. `3s`.', schema: { type: 'string' } },
};

/** The cost of a /v1 call, since the provider formats have no field for it (non-streaming answers). */
const COST: Record<string, HeaderObject> = {
  'x-llmhub-cost-usd': {
    description: 'The exact cost of this call in USD, a decimal string (absent when the model has no price).',
    schema: { type: 'string', example: '0.000135' },
  },
  'x-llmhub-price-unknown': { description: '`true` when the model has no price, so no cost could be recorded.', schema: { type: 'string', enum: ['true'] } },
};

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;

/** Documents the headers LLMHub adds: x-request-id and x-llmhub-overhead-ms everywhere, rate-limit and cost headers where they apply. */
export function addResponseHeaders(doc: OpenAPIObject): void {
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      // a client's rate limits apply to the calls its key makes (not to the console's sign-in, which delays wrong tokens)
      const takesApiKey = (operation.security ?? []).some((scheme) => 'api_key' in scheme);
      const isGeneration = takesApiKey && '429' in operation.responses;
      for (const [status, value] of Object.entries(operation.responses)) {
        const response = value as ResponseObject;
        const headers: Record<string, HeaderObject> = { 'x-request-id': REQUEST_ID, 'x-llmhub-overhead-ms': OVERHEAD };
        if (path.startsWith('/v1/messages')) headers['request-id'] = ANTHROPIC_REQUEST_ID;
        if (isGeneration && (status.startsWith('2') || status === '429')) Object.assign(headers, RATE_LIMIT);
        if (isGeneration && status.startsWith('2') && path.startsWith('/v1/')) Object.assign(headers, COST);
        response.headers = { ...headers, ...response.headers };
      }
    }
  }
}
