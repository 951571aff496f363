import { RETRY_AFTER_SECONDS, type DomainErrorMapper } from '@fediflow/bootstrap';
import { MediaStorageUnavailableError } from '@fediflow/media';
import { ApiError, OAuthError, STATUS_BY_CODE } from './api-error';

/**
 * The API's domain errors for the service's one exception filter (libs/bootstrap): Mastodon's
 * `{ "error": "..." }` (with field details for 422s), RFC 6749 errors on the OAuth endpoints.
 */
export const mapApiError: DomainErrorMapper = (exception) => {
  if (exception instanceof ApiError) {
    const body: Record<string, unknown> = { error: exception.message };
    if (exception.details) body['details'] = exception.details;
    const status = STATUS_BY_CODE[exception.code];
    const headers = status === 401 ? { 'www-authenticate': 'Bearer realm="FediFlow"' } : undefined;
    return { status, body, headers };
  }
  if (exception instanceof OAuthError) {
    return {
      status: exception.status,
      body: { error: exception.error, error_description: exception.description },
    };
  }
  if (exception instanceof MediaStorageUnavailableError) {
    return {
      status: 503,
      body: { error: 'The media storage is unavailable; retry shortly' },
      headers: { 'retry-after': String(RETRY_AFTER_SECONDS) },
    };
  }
  return undefined;
};
