import { ERROR_STATUS, ErrorCode } from './error-codes';

export interface ErrorDetail {
  /** the field, variable or parameter concerned, when there is one */
  field?: string;
  message: string;
  /** an error code of its own, when the detail is a failure (one language of a multi-language call) */
  code?: string;
  /** the figure the detail is about, machine-readable (money as a decimal string) */
  value?: string | number;
}

/**
 * The one exception type services throw. The global filter turns it into the
 * /api envelope or the OpenAI/Anthropic shape on /v1; the status comes from the code.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    /** seconds, sent as Retry-After (429) */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A body that is JSON but not an object (an array, null, a string, a number): named as such, not as malformed JSON or missing fields. */
export function bodyNotAnObject(got: string): AppError {
  return new AppError('validation_error', `The request body must be a JSON object (got ${got})`, [{ field: 'body', message: 'expected a JSON object' }]);
}
