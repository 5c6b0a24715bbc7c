import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { RequestWithCaller } from '../caller';
import { AppError } from './app-error';
import { DATABASE_ENDPOINT, DatabaseEndpoint, isDatabaseUnavailable } from './database-unavailable';
import { ERROR_STATUS, ErrorCode, RETRIED_BY_THE_GATEWAY } from './error-codes';
import { dialectForRequest, errorBody, statusFor } from './error-envelope';
import { requestIdOf, requestPathOf } from '../request-id';
import { REFUSED_CALL_RECORDER, RefusedCallRecorder } from './refused-call.port';
import { sendJson } from '../http/send-json';
import { notFoundMessage, RouteHintRequest } from './route-hint';
import type { RouteMethods } from './route-methods';

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'validation_error',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  422: 'validation_error',
  429: 'rate_limited',
  502: 'upstream_error',
  503: 'provider_unavailable',
  504: 'upstream_timeout',
};

/** body-parser's errors carry `type` and `status` (malformed JSON, too large, bad charset). */
interface BodyParserError {
  type: string;
  status: number;
  message: string;
}
function isBodyParserError(e: unknown): e is BodyParserError {
  return typeof e === 'object' && e !== null && typeof (e as BodyParserError).type === 'string' && typeof (e as BodyParserError).status === 'number';
}

/**
 * Input PostgreSQL refused that a service did not catch (a NUL character, an
 * out-of-range number, a duplicate): the caller's mistake, not a 500.
 */
const DATABASE_INPUT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  '22021': { code: 'validation_error', message: 'The request contains a character that cannot be stored (NUL, \\u0000)' },
  '22P05': { code: 'validation_error', message: 'The request contains a character that cannot be stored (NUL, \\u0000)' },
  '22P02': { code: 'validation_error', message: 'A value in the request has the wrong format' },
  '22001': { code: 'validation_error', message: 'A value in the request is too long' },
  '22003': { code: 'validation_error', message: 'A number in the request is out of range' },
  '23505': { code: 'conflict', message: 'That already exists' },
};

function databaseInputError(exception: unknown): { code: ErrorCode; message: string } | undefined {
  const code = (exception as { driverError?: { code?: unknown }; code?: unknown } | null)?.driverError?.code;
  return typeof code === 'string' ? DATABASE_INPUT_ERRORS[code] : undefined;
}

const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unreachable and this request needs it; try again shortly.';
/** a database restart or failover usually takes seconds */
const DATABASE_RETRY_AFTER_S = 5;

/** x-ratelimit-* headers that a limit rejection carries (LimitsService attaches them). */
function extraHeadersOf(exception: unknown): Record<string, string> {
  const headers = (exception as { headers?: unknown } | null)?.headers;
  if (!(exception instanceof AppError) || !headers || typeof headers !== 'object') return {};
  return Object.fromEntries(Object.entries(headers).filter(([k, v]) => /^x-ratelimit-/.test(k) && typeof v === 'string'));
}

function hintRequestOf(req: RequestWithCaller): RouteHintRequest {
  const socket = (req as { socket?: { encrypted?: boolean } }).socket;
  return { method: req.method, path: requestPathOf(req), headers: req.headers, encrypted: socket?.encrypted === true };
}

/**
 * Every error leaves in the envelope of its route (docs/API.md, Errors), with
 * no stack trace or secret in the body. Used by the one exception filter and by
 * the gateway's own request handler for the chat routes.
 */
@Injectable()
export class ErrorResponder {
  private readonly logger = new Logger('HttpExceptionFilter');
  /** the documented routes' methods, once the API is described (a wrong method is told the right ones) */
  routes?: RouteMethods;

  constructor(
    @Optional() @Inject(REFUSED_CALL_RECORDER) private readonly rejections?: RefusedCallRecorder,
    @Optional() @Inject(DATABASE_ENDPOINT) private readonly database?: DatabaseEndpoint,
  ) {}

  async respond(exception: unknown, req: RequestWithCaller, res: ServerResponse): Promise<void> {
    const { code, message, details, status, retryAfterS } = this.normalize(exception, req);
    const dialect = dialectForRequest(requestPathOf(req), req.headers?.['anthropic-version']);
    const httpStatus = statusFor(dialect, code, status);
    if (res.headersSent) {
      // a stream already started: the best we can do is end it
      res.end();
      return;
    }
    // a refused call is still a call: its record is committed before the answer leaves
    await this.rejections?.recordIfClientCall(req, code, message, httpStatus);
    for (const [name, value] of Object.entries(extraHeadersOf(exception))) res.setHeader(name, value);
    if (retryAfterS !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfterS))));
    if (RETRIED_BY_THE_GATEWAY.has(code)) res.setHeader('x-should-retry', 'false');
    sendJson(res, httpStatus, errorBody(dialect, { code, message, details, status: httpStatus, requestId: requestIdOf(req) }));
  }

  private normalize(
    exception: unknown,
    req: RequestWithCaller,
  ): {
    code: ErrorCode;
    message: string;
    details: AppError['details'];
    status: number;
    retryAfterS?: number;
  } {
    if (exception instanceof AppError) {
      return { code: exception.code, message: exception.message, details: exception.details, status: exception.status, retryAfterS: exception.retryAfterS };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal_error' : 'validation_error');
      if (status >= 500) this.logger.error(exception);
      const message = status === 404 ? notFoundMessage(hintRequestOf(req), this.routes) : exception.message;
      return { code, message, details: [], status: code === 'internal_error' ? 500 : status };
    }
    const fromDatabase = databaseInputError(exception);
    if (fromDatabase) return { ...fromDatabase, details: [], status: ERROR_STATUS[fromDatabase.code] };
    if (isBodyParserError(exception)) {
      if (exception.type === 'entity.too.large') {
        return { code: 'payload_too_large', message: 'Request body is too large', details: [], status: 413 };
      }
      const message = exception.type === 'entity.parse.failed' ? 'Request body is not valid JSON' : `Request body could not be read (${exception.type})`;
      return { code: 'validation_error', message, details: [{ field: 'body', message }], status: ERROR_STATUS.validation_error };
    }
    if (isDatabaseUnavailable(exception, this.database)) {
      // an outage, not a fault of this request: one line without a stack, and the caller is told to come back
      this.logger.warn(`Answered 503: the database is unreachable (${exception instanceof Error ? exception.message : String(exception)})`);
      return { code: 'database_unavailable', message: DATABASE_UNAVAILABLE_MESSAGE, details: [], status: 503, retryAfterS: DATABASE_RETRY_AFTER_S };
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { code: 'internal_error', message: 'Internal error. The request id identifies it in the server log.', details: [], status: 500 };
  }
}

/** The one exception filter: Nest's errors leave through the ErrorResponder. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  constructor(private readonly responder: ErrorResponder) {}

  catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const ctx = host.switchToHttp();
    return this.responder.respond(exception, ctx.getRequest<RequestWithCaller>(), ctx.getResponse<ServerResponse>());
  }
}
