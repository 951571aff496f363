import {
  Global,
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type CommonConfig, type ServiceName } from '@fediflow/config';
import { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { DatabaseConnector } from './database-connector';

@Global()
@Module({
  providers: [
    {
      provide: DataSource,
      inject: [APP_CONFIG],
      useFactory: (config: CommonConfig & { service: ServiceName }) =>
        createDataSource({
          url: config.DATABASE_URL,
          applicationName: `fediflow-${config.service}`,
          poolSize: config.DATABASE_POOL_SIZE,
          queryTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS,
          connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
        }),
    },
    {
      provide: DatabaseConnector,
      inject: [DataSource, APP_CONFIG],
      // A heartbeat slower than a query may be marks PostgreSQL down (a slow embedded server
      // with a long query timeout is not mistaken for an outage).
      useFactory: (dataSource: DataSource, config: CommonConfig) =>
        new DatabaseConnector(dataSource, { heartbeatTimeoutMs: config.DATABASE_QUERY_TIMEOUT_MS }),
    },
  ],
  exports: [DataSource, DatabaseConnector],
})
export class DatabaseModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(DatabaseConnector) private readonly connector: DatabaseConnector) {}

  onApplicationBootstrap(): void {
    // Deliberately not awaited: the service must start and serve /health while PostgreSQL is down.
    void this.connector.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connector.stop();
  }
}
