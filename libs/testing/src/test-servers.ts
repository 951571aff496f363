/** Connection URLs of the PostgreSQL and Redis servers that integration and e2e suites use. */
export interface TestServers {
  /** A PostgreSQL URL whose user may create databases; suites create their own below it. */
  databaseUrl: string;
  redisUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    testServers: TestServers;
  }
}

const CONTAINER_IMAGES = { postgres: 'postgres:17-alpine', redis: 'redis:7-alpine' } as const;

export interface AcquiredServers {
  servers: TestServers;
  /** How the servers were found, for the log line at the start of a run. */
  source: string;
  release(): Promise<void>;
}

/**
 * `TEST_DATABASE_URL` and `TEST_REDIS_URL` win when both are set (CI and this machine); otherwise
 * Testcontainers starts throwaway servers, which needs a Docker engine.
 */
export async function acquireTestServers(
  env: NodeJS.ProcessEnv = process.env,
): Promise<AcquiredServers> {
  const { TEST_DATABASE_URL: databaseUrl, TEST_REDIS_URL: redisUrl } = env;
  if (databaseUrl && redisUrl) {
    return {
      servers: { databaseUrl, redisUrl },
      source: 'TEST_DATABASE_URL / TEST_REDIS_URL',
      release: async () => undefined,
    };
  }
  return startContainers();
}

async function startContainers(): Promise<AcquiredServers> {
  try {
    // Loaded lazily: where the variables are set, Testcontainers is never needed.
    const [{ PostgreSqlContainer }, { RedisContainer }] = await Promise.all([
      import('@testcontainers/postgresql'),
      import('@testcontainers/redis'),
    ]);
    const [postgres, redis] = await Promise.all([
      new PostgreSqlContainer(CONTAINER_IMAGES.postgres).start(),
      new RedisContainer(CONTAINER_IMAGES.redis).start(),
    ]);
    return {
      servers: { databaseUrl: postgres.getConnectionUri(), redisUrl: redis.getConnectionUrl() },
      source: `Testcontainers (${CONTAINER_IMAGES.postgres}, ${CONTAINER_IMAGES.redis})`,
      release: async () => {
        await Promise.all([postgres.stop(), redis.stop()]);
      },
    };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `No test servers: set TEST_DATABASE_URL and TEST_REDIS_URL to a PostgreSQL and a Redis ` +
        `server, or make a Docker engine reachable for Testcontainers (${reason})`,
      { cause: error },
    );
  }
}
