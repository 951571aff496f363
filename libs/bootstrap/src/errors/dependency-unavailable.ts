import { isDatabaseUnavailable } from '@fediflow/database';
import { isRedisUnavailable } from '@fediflow/redis';

/** Seconds a client is asked to wait (`Retry-After`) while a dependency is down. */
export const RETRY_AFTER_SECONDS = 5;

/** Raised on request paths that refuse at once because a dependency is known to be down. */
export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  constructor(readonly dependency: 'database' | 'redis') {
    super(`The ${dependency} is unavailable; retry shortly`);
  }
}

/** Which dependency an error says is down, if any: such errors answer 503, never 500. */
export function unavailableDependency(error: unknown): 'database' | 'redis' | undefined {
  if (error instanceof DependencyUnavailableError) return error.dependency;
  if (isRedisUnavailable(error)) return 'redis';
  if (isDatabaseUnavailable(error)) return 'database';
  return undefined;
}
