import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface IsolatedRedis {
  /** A key prefix (without trailing colon) no other suite uses, e.g. for `REDIS_KEY_PREFIX`. */
  prefix: string;
  /** Deletes every key below the prefix. */
  clear(): Promise<void>;
}

export function createIsolatedRedis(redisUrl: string, label: string): IsolatedRedis {
  const prefix = `test-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${randomBytes(4).toString('hex')}`;
  return {
    prefix,
    clear: async () => {
      const redis = new Redis(redisUrl, { lazyConnect: true });
      await redis.connect();
      try {
        for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 500 })) {
          if ((keys as string[]).length > 0) await redis.unlink(...(keys as string[]));
        }
      } finally {
        redis.disconnect();
      }
    },
  };
}
