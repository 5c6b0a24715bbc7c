// The one place that configures the generated SDK: same origin, the admin
// session cookie on every call, and failures thrown as ApiError so the
// QueryClient (app/provider.tsx) can handle them in one place.
import { client, configureLlmHub } from '@sdk';

export interface FieldError {
  field: string;
  message: string;
}

/** An API failure: the HTTP status and the error envelope every LLMHub error uses. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: FieldError[],
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The first message the API gave for `field` (dotted paths match their root too). */
  fieldError(field: string): string | undefined {
    return this.details.find((d) => d.field === field || d.field.startsWith(`${field}.`) || d.field.startsWith(`${field}[`))?.message;
  }
}

function toApiError(body: unknown, response: Response | undefined): ApiError {
  if (!response) return new ApiError(0, 'network_error', 'LLMHub could not be reached. Check the connection and try again.', [], null);
  const envelope = (typeof body === 'object' && body !== null ? body : {}) as {
    error?: { code?: unknown; message?: unknown; details?: unknown };
    request_id?: unknown;
  };
  const e = envelope.error ?? {};
  const details = Array.isArray(e.details)
    ? e.details.flatMap((d: unknown) => {
        const item = d as { field?: unknown; message?: unknown };
        return typeof item?.message === 'string' ? [{ field: typeof item.field === 'string' ? item.field : '', message: item.message }] : [];
      })
    : [];
  const message = typeof e.message === 'string' && e.message ? e.message : `Request failed with status ${response.status}`;
  return new ApiError(
    response.status,
    typeof e.code === 'string' ? e.code : 'http_error',
    message,
    details,
    typeof envelope.request_id === 'string' ? envelope.request_id : null,
  );
}

// same origin, with the admin session cookie on every call
configureLlmHub({});
client.setConfig({ throwOnError: true });
client.interceptors.error.use((body, response) => toApiError(body, response));

/** The body of a successful SDK call (calls are made with throwOnError, so failures reject with ApiError). */
export async function data<T>(call: Promise<{ data: T }>): Promise<T> {
  return (await call).data;
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** What an error says to the operator: the API's own message (a 503 says the database is unavailable), else the thrown one. */
export function errorMessage(error: unknown): string {
  return isApiError(error) || error instanceof Error ? error.message : 'Something went wrong';
}

/**
 * A 401: the admin session is missing or has ended. The QueryClient (app/provider.tsx) answers it
 * for every call at once, by asking the operator to sign in, so a form or a page says nothing of it.
 */
export function isSignInRequired(error: unknown): error is ApiError {
  return isApiError(error) && error.status === 401;
}

/** The API's error for a form to show at its fields or above its buttons: none for a 401 (see isSignInRequired). */
export function formError(error: unknown): ApiError | null {
  return isApiError(error) && !isSignInRequired(error) ? error : null;
}
