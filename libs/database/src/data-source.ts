import { DataSource } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceSettings {
  url: string;
  /** Shown in `pg_stat_activity.application_name`. */
  applicationName: string;
  poolSize?: number;
  /**
   * Longest wait for one query, enforced by the server (`statement_timeout`) and by the client
   * (`query_timeout`, which also covers a PostgreSQL that stopped answering). Services pass
   * `DATABASE_QUERY_TIMEOUT_MS`; one-shot commands (migrations) default to 5 minutes.
   */
  queryTimeoutMs?: number;
  /** Longest wait for a new connection or a free pooled one (`DATABASE_CONNECT_TIMEOUT_MS`). */
  connectTimeoutMs?: number;
}

const COMMAND_QUERY_TIMEOUT_MS = 300_000;
const COMMAND_CONNECT_TIMEOUT_MS = 5_000;

/** The one place a TypeORM DataSource is configured: schema changes only through migrations. */
export function createDataSource(settings: DataSourceSettings): DataSource {
  const queryTimeout = settings.queryTimeoutMs ?? COMMAND_QUERY_TIMEOUT_MS;
  const connectTimeout = settings.connectTimeoutMs ?? COMMAND_CONNECT_TIMEOUT_MS;
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    applicationName: settings.applicationName,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: false,
    connectTimeoutMS: connectTimeout,
    extra: {
      max: settings.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
      // A request must never wait long for a pooled connection or a stuck query.
      connectionTimeoutMillis: connectTimeout,
      statement_timeout: queryTimeout,
      // A little later than the server's own limit, so a live server reports its cancellation.
      query_timeout: queryTimeout + 250,
      // TCP keep-alive notices a half-open connection after an idle period.
      keepAlive: true,
      // Short OLTP queries only: JIT compiling the home timeline's query (estimated costly for its
      // per-author subplans) took 670 ms of its 1 s budget to save nothing (docs/benchmarks.md).
      options: '-c jit=off',
    },
  });
}
