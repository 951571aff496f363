import { Redis, type RedisOptions } from 'ioredis';

/**
 * `command` connections serve request paths: while Redis is down their commands fail at once
 * instead of queueing, so a request (or a readiness probe) never hangs on a dead cache.
 * `queue` connections are for BullMQ, which requires retries without limit on blocking commands.
 */
export type RedisConnectionRole = 'command' | 'queue';

export interface RedisConnectionOptions {
  url: string;
  /** Shown in `CLIENT LIST` and in logs, e.g. `api:command`. */
  name: string;
  role: RedisConnectionRole;
  /** Prepended to every key of a `command` connection (BullMQ takes its own prefix instead). */
  keyPrefix?: string;
  /** Open the socket on the first command rather than at once (for connections rarely used). */
  lazyConnect?: boolean;
}

const MAX_RECONNECT_DELAY_MS = 5_000;

/** Exponential back-off with full jitter, capped, and never giving up: readiness reports outages. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RECONNECT_DELAY_MS, 100 * 2 ** Math.min(attempt, 16));
  return Math.max(50, Math.round(ceiling * random()));
}

export function redisOptions(options: RedisConnectionOptions): RedisOptions {
  const common: RedisOptions = {
    connectionName: options.name,
    connectTimeout: 5_000,
    retryStrategy: (attempt) => reconnectDelay(attempt),
    lazyConnect: options.lazyConnect ?? false,
  };
  if (options.role === 'queue') {
    return { ...common, maxRetriesPerRequest: null, enableReadyCheck: true };
  }
  return {
    ...common,
    keyPrefix: options.keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A black-holed Redis costs a request at most this long.
    commandTimeout: 1_000,
  };
}

export function createRedisConnection(options: RedisConnectionOptions): Redis {
  const connection = new Redis(options.url, redisOptions(options));
  // ioredis emits 'error' on every failed reconnect; without a listener Node would crash.
  connection.on('error', () => undefined);
  return connection;
}

/** Joins the configured prefix and a namespace into a Redis key prefix, e.g. `fediflow:cache:`. */
export function redisKeyPrefix(prefix: string, namespace?: string): string {
  return namespace ? `${prefix}:${namespace}:` : `${prefix}:`;
}
