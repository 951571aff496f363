import { loadConfig, resolveSsmParameters, type Fetch, type WorkersConfig } from '@fediflow/config';
import { createDataSource } from '@fediflow/database';
import { createLogger, PinoNestLogger } from '@fediflow/observability';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** What every function shares: its validated configuration and one PostgreSQL pool. */
export interface LambdaEnvironment {
  readonly config: WorkersConfig;
  readonly db: DataSource;
  close(): Promise<void>;
}

export interface LambdaEnvironmentOptions {
  /** The process's environment unless given (tests). */
  env?: NodeJS.ProcessEnv;
  /** The function's name, in `pg_stat_activity` and on every log line. */
  name: string;
  /** Tests stand in for the Parameters and Secrets extension. */
  fetchParameter?: Fetch;
}

/**
 * Configuration (SSM parameters resolved, then the workers' schema) and PostgreSQL, for a handler
 * outside Nest: the same processors as the Kubernetes workers, constructed by hand, with no HTTP
 * stack. An execution environment handles one event at a time, so the pool stays small
 * (`DATABASE_POOL_SIZE`, 2 in Terraform); it is kept between invocations.
 */
export async function openLambdaEnvironment(
  options: LambdaEnvironmentOptions,
): Promise<LambdaEnvironment> {
  const env = await resolveSsmParameters(options.env, options.fetchParameter);
  const config = loadConfig('workers', env);
  Logger.overrideLogger(
    new PinoNestLogger(createLogger({ service: options.name, level: config.LOG_LEVEL })),
  );
  const db = createDataSource({
    url: config.DATABASE_URL,
    applicationName: options.name,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  await db.initialize();
  return {
    config,
    db,
    close: async () => {
      if (db.isInitialized) await db.destroy();
    },
  };
}

/**
 * Starts `open` at once (during the function's init phase) and hands the same result to every
 * invocation; a failed start is retried by the next invocation instead of poisoning the
 * execution environment.
 */
export function lazyOnce<T>(open: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  const start = () => {
    pending = open();
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
  start();
  return () => pending ?? start();
}
