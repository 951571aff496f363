/** What a service's own errors map to: status, Mastodon-style body, extra headers. */
export interface MappedError {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** A service's translation of its domain errors; undefined for errors it does not own. */
export type DomainErrorMapper = (exception: unknown) => MappedError | undefined;

/**
 * Injection token: a service provides its `DomainErrorMapper` under it (from a global module),
 * and the one exception filter of the service consults it first.
 */
export const DOMAIN_ERROR_MAPPER = Symbol('DOMAIN_ERROR_MAPPER');
