import type { Redis } from 'ioredis';

/** Redis is down or too slow for a request to wait on: the caller answers 503, not 500. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`Redis is unavailable (${what})`, options);
  }
}

/** Before a request-path command: refuse at once while the connection is not ready. */
export function assertRedisReady(redis: Redis, what: string): void {
  if (redis.status !== 'ready') throw new RedisUnavailableError(`${what}: ${redis.status}`);
}

/**
 * Whether an error means Redis could not serve a command now. ioredis reports its client-side
 * failures (offline without a queue, command timeout, connection closed, retries exhausted) as
 * plain errors, so those are recognised by its fixed wording or class name.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (error instanceof RedisUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || IOREDIS_MESSAGES.test(error.message);
}

const IOREDIS_MESSAGES =
  /^(Stream isn't writeable and enableOfflineQueue options is false|Command timed out|Connection is closed\.)$/;
