import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by SHA (`EVALSHA`), loaded with `EVAL` the first time a server has not seen it
 * (after a restart or failover): the queue runs several scripts on every poll, and sending their
 * source each time would be most of the traffic.
 */
export class LuaScript {
  private readonly sha: string;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(
    redis: Redis,
    keys: readonly string[],
    args: readonly (string | number)[] = [],
  ): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * The adapters write whole keys themselves (SCAN results and Lua scripts would not see an
 * ioredis `keyPrefix` consistently), so a prefixed connection is a configuration mistake.
 */
export function assertUnprefixed(redis: Redis, owner: string): void {
  if (redis.options.keyPrefix) {
    throw new Error(
      `${owner} needs a Redis connection without keyPrefix (got "${redis.options.keyPrefix}"); ` +
        'pass the prefix to the adapter instead',
    );
  }
}

/** Milliseconds of a Fedify duration; Fedify only uses exact units (no months or years). */
export function durationMs(duration: Temporal.Duration): number {
  return duration.total({ unit: 'millisecond' });
}
