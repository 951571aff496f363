import { inject } from 'vitest';
import { createIsolatedDatabase, type IsolatedDatabase } from './isolated-database';
import { createIsolatedRedis, type IsolatedRedis } from './isolated-redis';

export interface IsolatedInfrastructure {
  database: IsolatedDatabase;
  redis: IsolatedRedis;
  redisUrl: string;
  /** Environment for a service under test: its own database and Redis key prefix. */
  env: {
    DATABASE_URL: string;
    REDIS_URL: string;
    REDIS_KEY_PREFIX: string;
    /**
     * Services under test and their peers all live on loopback, and the guard on outbound
     * fetches is process-wide (in-process suites fetch their own service): allowed here.
     */
    FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true';
  };
  release(): Promise<void>;
}

/**
 * For `beforeAll` of an integration or e2e suite: a fresh database and Redis key prefix on the
 * servers provided by the global setup; `release()` removes both.
 */
export async function isolatedInfrastructure(label: string): Promise<IsolatedInfrastructure> {
  const { databaseUrl, redisUrl } = inject('testServers');
  const database = await createIsolatedDatabase(databaseUrl, label);
  const redis = createIsolatedRedis(redisUrl, label);
  return {
    database,
    redis,
    redisUrl,
    env: {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: redis.prefix,
      FEDERATION_ALLOW_PRIVATE_ADDRESSES: 'true',
    },
    release: async () => {
      await Promise.all([database.drop(), redis.clear()]);
    },
  };
}
