import { OpenAPIObject } from '@nestjs/swagger';
import type { OperationObject, ResponseObject, SchemaObject } from './openapi-types';
import { ERROR_STATUS, ErrorCode, RETRIED_BY_THE_GATEWAY } from '../errors/error-codes';
import { dialectForPath, ErrorDialect, errorBody, statusFor } from '../errors/error-envelope';
import { ErrorCases, ERRORS_EXTENSION } from './api-errors.decorator';

const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];
const DETAILS: SchemaObject = {
  type: 'array',
  description: 'One entry per offending field, variable or parameter (empty when the error is not about one).',
  items: {
    type: 'object',
    required: ['message'],
    properties: {
      field: { type: 'string', example: 'model' },
      message: { type: 'string', example: 'model must be a string' },
      code: { type: 'string', description: 'A detail’s own error code (each failed language of generate-content)' },
      value: {
        oneOf: [{ type: 'string' }, { type: 'number' }],
        description: 'The figure the detail is about, machine-readable (money as a decimal string), e.g. the reservation and the remaining budget of a 402',
      },
    },
  },
};
const REQUEST_ID: SchemaObject = { type: 'string', format: 'uuid', description: 'The id of this call (also the x-request-id header).' };

export const ERROR_SCHEMAS: Record<string, SchemaObject> = {
  ErrorEnvelope: {
    type: 'object',
    description: 'The error shape of /api/* routes.',
    required: ['error', 'request_id'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message', 'details'],
        properties: {
          code: { type: 'string', enum: ERROR_CODES, example: 'validation_error' },
          message: { type: 'string', example: 'Invalid request: model' },
          details: DETAILS,
        },
      },
      request_id: REQUEST_ID,
    },
  },
  OpenAiError: {
    type: 'object',
    description:
      'The OpenAI error shape, answered on /v1/* (except /v1/messages), so the OpenAI SDKs raise their usual exceptions. `code` is LLMHub’s error code.',
    required: ['error', 'request_id'],
    properties: {
      error: {
        type: 'object',
        required: ['message', 'type', 'param', 'code'],
        properties: {
          message: { type: 'string' },
          type: { type: 'string', example: 'invalid_request_error' },
          param: { type: 'string', nullable: true, description: 'The first offending field, if any.' },
          code: { type: 'string', enum: ERROR_CODES },
          details: DETAILS,
        },
      },
      request_id: REQUEST_ID,
    },
  },
  AnthropicError: {
    type: 'object',
    description: 'The Anthropic error shape, answered on /v1/messages, so the Anthropic SDK raises its usual exceptions. `code` is LLMHub’s error code.',
    required: ['type', 'error', 'request_id'],
    properties: {
      type: { type: 'string', enum: ['error'] },
      error: {
        type: 'object',
        required: ['type', 'message'],
        properties: {
          type: { type: 'string', example: 'rate_limit_error' },
          message: { type: 'string' },
          code: { type: 'string', enum: ERROR_CODES },
          details: DETAILS,
        },
      },
      request_id: REQUEST_ID,
    },
  },
};

const SCHEMA_OF: Record<ErrorDialect, string> = { llmhub: 'ErrorEnvelope', openai: 'OpenAiError', anthropic: 'AnthropicError' };

/** When each code happens, unless the route says more precisely. */
const WHEN: Record<ErrorCode, string> = {
  missing_api_key: 'no API key in X-API-Key or Authorization: Bearer',
  invalid_api_key: 'the API key is unknown, revoked or expired',
  unauthorized: 'no valid admin token or console session',
  client_inactive: 'the key’s client is deactivated',
  model_not_allowed: 'the model or provider is outside the client’s allow-list',
  forbidden: 'this credential may not use this route',
  validation_error: 'a field of the body, query or path is invalid; details names each one',
  provider_not_configured: 'the provider has no key configured; the message names the variable to set',
  not_found: 'no such resource',
  conflict: 'the change conflicts with what exists',
  budget_exceeded: 'the client’s hard monthly budget is spent',
  rate_limited: 'a requests- or tokens-per-minute limit is reached; Retry-After says when to try again',
  payload_too_large: 'the request body is larger than the server accepts',
  request_timeout: 'the request body stopped arriving: no byte for 30 s (Connection: close)',
  bad_request: 'the request is not valid HTTP/1.1: its request line or a header could not be parsed (Connection: close)',
  request_header_too_large: 'the request line and headers are larger than 16 KB in all (Connection: close)',
  unsupported_media_type: 'the body is not JSON (Content-Type must be application/json, UTF-8)',
  upstream_error: 'the provider failed after retries and fallbacks',
  client_closed_request: 'the client left before its answer (recorded on its cancelled call, never sent)',
  provider_unavailable: 'the provider is unavailable (its circuit is open)',
  upstream_timeout: 'the provider did not answer in time',
  server_busy:
    'the instance is holding as many request bodies as its memory allows (one client at most half of that), ' +
    'and a body over 64 KB that would pass that is refused unread; ' +
    'send it again shortly (Retry-After: 1)',
  shutting_down: 'the instance is stopping and did not process the request; send it again (Retry-After: 1, Connection: close)',
  database_unavailable: 'the database is unreachable and this request needs it; try again shortly (Retry-After)',
  internal_error: 'an unexpected error; the request id finds it in the server log',
};

/** What an error response declared the plain Nest way (a status and a description) means. */
const CODE_OF_LEGACY_STATUS: Record<string, ErrorCode> = {
  '402': 'budget_exceeded',
  '404': 'not_found',
  '409': 'conflict',
  '413': 'payload_too_large',
  '415': 'unsupported_media_type',
  '422': 'validation_error',
  '429': 'rate_limited',
  '502': 'upstream_error',
  '503': 'provider_unavailable',
  '504': 'upstream_timeout',
};

const CROSS_ORIGIN_SESSION =
  'a change sent with the console’s session cookie from a page of another origin (not this server, not in CORS_ORIGINS); send the admin token instead';

const API_KEY_ON_ADMIN_ROUTE = 'a client’s API key sent in place of the admin token (not counted as a wrong token)';

const EXAMPLE_REQUEST_ID = '0b6f3a57-5d3e-4c8e-9a57-2f1f4f6a9c10';
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head'] as const;

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The codes an operation answers with: its credential's, its input's, and the ones it declares. */
function casesOf(path: string, method: string, operation: OperationObject): Map<ErrorCode, string> {
  const cases = new Map<ErrorCode, string>();
  const add = (code: ErrorCode, when?: string): void => {
    cases.set(code, when ?? cases.get(code) ?? WHEN[code]);
  };
  const schemes = new Set((operation.security ?? []).flatMap((s: Record<string, string[]>) => Object.keys(s)));
  if (schemes.has('api_key')) ['missing_api_key', 'invalid_api_key', 'client_inactive'].forEach((c) => add(c as ErrorCode));
  if (schemes.has('admin_token')) {
    add('unauthorized');
    add('forbidden', API_KEY_ON_ADMIN_ROUTE);
  }
  // the console session's guard against pages of other origins (the admin token is not concerned)
  if (schemes.has('admin_session') && method !== 'get' && method !== 'head') add('forbidden', `${API_KEY_ON_ADMIN_ROUTE}, or ${CROSS_ORIGIN_SESSION}`);
  // every authenticated route reads the database (a gateway call only when its key is not cached)
  if (schemes.has('api_key') || schemes.has('admin_token')) add('database_unavailable');
  if (operation.requestBody || (operation.parameters ?? []).length > 0) add('validation_error');
  if (operation.requestBody) {
    add('payload_too_large');
    add('request_timeout');
    add('unsupported_media_type');
    // a route anyone may call reads at most 64 KB, never refused for room
    if (schemes.size > 0) add('server_busy');
  }
  for (const [status, response] of Object.entries(operation.responses)) {
    const legacy = response as ResponseObject;
    if (Number(status) < 400 || legacy.content) continue;
    const code = status === '400' ? (dialectForPath(path) === 'llmhub' ? 'provider_not_configured' : 'validation_error') : CODE_OF_LEGACY_STATUS[status];
    if (code) add(code, legacy.description || undefined);
    delete operation.responses[status];
  }
  const declared = (operation as unknown as Record<string, unknown>)[ERRORS_EXTENSION] as ErrorCases | undefined;
  for (const [code, when] of Object.entries(declared ?? {})) add(code as ErrorCode, when);
  delete (operation as unknown as Record<string, unknown>)[ERRORS_EXTENSION];
  return cases;
}

function errorResponse(dialect: ErrorDialect, status: number, cases: [ErrorCode, string][]): ResponseObject {
  const examples = Object.fromEntries(
    cases.map(([code, when]) => {
      const details = code === 'validation_error' ? [{ field: 'model', message: 'model must be a string' }] : [];
      const value = errorBody(dialect, { code, message: sentence(when), details, status, requestId: EXAMPLE_REQUEST_ID });
      return [code, { summary: sentence(when), value }];
    }),
  );
  const response: ResponseObject = {
    description: cases.map(([code, when]) => `\`${code}\`: ${when}`).join('; '),
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${SCHEMA_OF[dialect]}` }, examples } },
  };
  if (status === 429 || cases.some(([code]) => code === 'database_unavailable' || code === 'server_busy')) {
    response.headers = { 'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer', example: 12 } } };
  }
  if (cases.some(([code]) => RETRIED_BY_THE_GATEWAY.has(code))) {
    response.headers = {
      ...response.headers,
      'x-should-retry': {
        description: 'false: LLMHub already retried the provider and tried the fallbacks as configured, so the OpenAI and Anthropic SDKs do not retry',
        schema: { type: 'string', enum: ['false'] },
      },
    };
  }
  return response;
}

/**
 * Every operation lists each error it can answer with, one response per
 * status, in its route family's error shape, with an example per code.
 */
export function addErrorResponses(doc: OpenAPIObject): void {
  for (const [path, item] of Object.entries(doc.paths)) {
    const dialect = dialectForPath(path);
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      delete operation.responses.default;
      const byStatus = new Map<number, [ErrorCode, string][]>();
      for (const [code, when] of casesOf(path, method, operation)) {
        const status = statusFor(dialect, code, ERROR_STATUS[code]);
        byStatus.set(status, [...(byStatus.get(status) ?? []), [code, when]]);
      }
      for (const [status, cases] of byStatus) operation.responses[String(status)] = errorResponse(dialect, status, cases);
    }
  }
}
