import { DataSource } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceSettings {
  url: string;
  /** Shown in `pg_stat_activity.application_name`. */
  applicationName: string;
  poolSize?: number;
}

/** The one place a TypeORM DataSource is configured: schema changes only through migrations. */
export function createDataSource(settings: DataSourceSettings): DataSource {
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
    connectTimeoutMS: 5_000,
    extra: {
      max: settings.poolSize ?? 10,
      idleTimeoutMillis: 30_000,
      // A request must never wait forever for a pooled connection or a stuck query.
      connectionTimeoutMillis: 5_000,
      statement_timeout: 30_000,
    },
  });
}
