/** The error codes and the HTTP status each one answers with; docs/API.md documents this table. */
export const ERROR_STATUS = {
  missing_api_key: 401,
  invalid_api_key: 401,
  unauthorized: 401,
  client_inactive: 403,
  model_not_allowed: 403,
  forbidden: 403,
  validation_error: 422,
  provider_not_configured: 400,
  not_found: 404,
  conflict: 409,
  budget_exceeded: 402,
  rate_limited: 429,
  payload_too_large: 413,
  /** Node's HTTP parser refused the request (no route saw it): a malformed request line or header */
  bad_request: 400,
  request_header_too_large: 431,
  request_timeout: 408,
  unsupported_media_type: 415,
  upstream_error: 502,
  /** recorded only: the client left before its answer (nginx's 499); there is no one to send it to */
  client_closed_request: 499,
  provider_unavailable: 503,
  upstream_timeout: 504,
  shutting_down: 503,
  /** the instance holds as many large request bodies as its memory allows; sent again shortly, it is read */
  server_busy: 503,
  database_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/**
 * Failures the router already retried (and fell back from) as configured. The
 * official SDKs retry a 5xx twice more by default, which would send the call
 * to the provider again and record it three times; `x-should-retry: false`,
 * which they obey, leaves the retry policy to the gateway.
 */
export const RETRIED_BY_THE_GATEWAY: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['upstream_error', 'upstream_timeout']);
