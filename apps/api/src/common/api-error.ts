/**
 * Domain errors with stable codes. Services throw these; `mapApiError` (for the service's one filter) is the place
 * that maps them to HTTP statuses and Mastodon's `{ "error": "..." }` body.
 */
export const ErrorCode = {
  Unauthorized: 'UNAUTHORIZED',
  ScopeMissing: 'SCOPE_MISSING',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  Validation: 'VALIDATION_FAILED',
  Taken: 'TAKEN',
  RegistrationsClosed: 'REGISTRATIONS_CLOSED',
  Unprocessable: 'UNPROCESSABLE',
  RateLimited: 'RATE_LIMITED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const STATUS_BY_CODE: Record<ErrorCode, number> = {
  UNAUTHORIZED: 401,
  SCOPE_MISSING: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  VALIDATION_FAILED: 422,
  TAKEN: 422,
  REGISTRATIONS_CLOSED: 403,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
};

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Field-level reasons for 422s, Mastodon style: `{ username: [{ error, description }] }`. */
    readonly details?: Record<string, { error: string; description: string }[]>,
  ) {
    super(message);
  }

  static notFound(what = 'Record'): ApiError {
    return new ApiError(ErrorCode.NotFound, `${what} not found`);
  }

  static invalid(field: string, description: string, error = 'ERR_INVALID'): ApiError {
    return new ApiError(ErrorCode.Validation, `Validation failed: ${field} ${description}`, {
      [field]: [{ error, description }],
    });
  }
}

/** OAuth 2 endpoints answer with RFC 6749 errors (`error` + `error_description`) instead. */
export class OAuthError extends Error {
  override readonly name = 'OAuthError';
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    readonly description: string,
    readonly status = error === 'invalid_client' ? 401 : 400,
  ) {
    super(description);
  }
}
