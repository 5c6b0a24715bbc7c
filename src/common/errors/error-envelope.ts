import { ErrorCode } from './error-codes';
import { ErrorDetail } from './app-error';

/** The three error shapes LLMHub answers with, chosen by route (docs/API.md, Errors). */
export type ErrorDialect = 'llmhub' | 'openai' | 'anthropic';

export function dialectForPath(path: string): ErrorDialect {
  if (path === '/v1/messages' || path.startsWith('/v1/messages/') || path.startsWith('/v1/messages?')) return 'anthropic';
  // /openai/v1 is the same API as /v1, where groq-sdk calls it
  if (path === '/v1' || path.startsWith('/v1/') || path === '/openai/v1' || path.startsWith('/openai/v1/')) return 'openai';
  return 'llmhub';
}

/**
 * The dialect of one request: the Anthropic SDK sends anthropic-version with every call, and
 * calls /v1/models too, where it must get its own error shape (a not_found_error it recognises).
 */
export function dialectForRequest(path: string, anthropicVersion: unknown): ErrorDialect {
  const dialect = dialectForPath(path);
  const models = path === '/v1/models' || path.startsWith('/v1/models/') || path.startsWith('/v1/models?');
  return dialect === 'openai' && models && anthropicVersion !== undefined ? 'anthropic' : dialect;
}

/** validation_error is 422 on /api/*, 400 where the OpenAI/Anthropic SDKs expect it. */
export function statusFor(dialect: ErrorDialect, code: ErrorCode, status: number): number {
  return code === 'validation_error' && dialect !== 'llmhub' ? 400 : status;
}

const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'insufficient_quota',
  403: 'permission_error',
  404: 'invalid_request_error',
  408: 'invalid_request_error',
  409: 'invalid_request_error',
  413: 'invalid_request_error',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  431: 'invalid_request_error',
  // OpenAI's own 5xx answers are typed server_error
  500: 'server_error',
  502: 'server_error',
  503: 'server_error',
  504: 'server_error',
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  408: 'timeout_error',
  409: 'invalid_request_error',
  413: 'request_too_large',
  415: 'invalid_request_error',
  422: 'invalid_request_error',
  429: 'rate_limit_error',
  431: 'invalid_request_error',
  503: 'overloaded_error',
  504: 'timeout_error',
};

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  status: number;
  requestId: string;
}

export function errorBody(dialect: ErrorDialect, e: ErrorPayload): unknown {
  switch (dialect) {
    case 'openai':
      return {
        error: {
          message: e.message,
          type: OPENAI_TYPES[e.status] ?? 'api_error',
          param: e.details[0]?.field ?? null,
          code: e.code,
          details: e.details,
        },
        request_id: e.requestId,
      };
    case 'anthropic':
      return {
        type: 'error',
        error: { type: ANTHROPIC_TYPES[e.status] ?? 'api_error', message: e.message, code: e.code, details: e.details },
        request_id: e.requestId,
      };
    default:
      return { error: { code: e.code, message: e.message, details: e.details }, request_id: e.requestId };
  }
}
