import { isDatabaseUnavailable } from '@fediflow/database';
import { isRedisUnavailable } from '@fediflow/redis';

/** Seconds a client is asked to wait (`Retry-After`) while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A dependency a request needs is down: the service's error mapper answers 503 with its message
 * and `Retry-After`. Raised by request paths that refuse at once (PostgreSQL known down) and by
 * services for dependencies of their own (the inbound SQS queue), with how long senders wait.
 */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  readonly retryAfterSeconds: number;

  constructor(
    readonly dependency: string,
    options: { retryAfterSeconds?: number; cause?: unknown } = {},
  ) {
    const retryAfterSeconds = options.retryAfterSeconds ?? RETRY_AFTER_SECONDS;
    const when = retryAfterSeconds > RETRY_AFTER_SECONDS ? 'later' : 'shortly';
    super(`The ${dependency} is unavailable; retry ${when}`, { cause: options.cause });
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/**
 * The outage an error reports, if any (such errors answer 503, never 500): a
 * `DependencyUnavailableError`, or a driver's own error for a lost Redis or PostgreSQL.
 */
export function dependencyOutage(error: unknown): DependencyUnavailableError | undefined {
  if (error instanceof DependencyUnavailableError) return error;
  if (isRedisUnavailable(error)) return new DependencyUnavailableError('redis', { cause: error });
  if (isDatabaseUnavailable(error)) {
    return new DependencyUnavailableError('database', { cause: error });
  }
  return undefined;
}
