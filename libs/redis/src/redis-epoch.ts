import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// GET, or SET a new value when the key is missing, in one round trip and atomically (two
// processes that find the key missing at once agree on one value).
const CURRENT_EPOCH = `
local value = redis.call('GET', KEYS[1])
if value then return value end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

/**
 * Which "life" of a Redis dataset this is: a random marker key, created on first use and never
 * changed. When Redis comes back empty (restart without persistence, a new node, a flush) the
 * marker is gone and the next caller creates another, so anything recorded elsewhere with the
 * old epoch is known to have been in a dataset that no longer exists and can be re-enqueued.
 */
export class RedisEpoch {
  constructor(
    private readonly redis: Redis,
    /** The full key (adapters prefix their keys themselves). */
    readonly key: string,
  ) {}

  async current(): Promise<string> {
    return String(await this.redis.eval(CURRENT_EPOCH, 1, this.key, randomUUID()));
  }
}
