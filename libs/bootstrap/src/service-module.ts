import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import type { CommonConfig, ServiceName } from '@fediflow/config';
import { ConfigModule } from './config.module';
import { ServiceExceptionFilter } from './errors/service-exception.filter';
import { DatabaseModule } from '@fediflow/database';
import { HealthModule, type ReadinessCheck } from '@fediflow/health';
import { MetricsModule } from '@fediflow/observability';
import { RedisModule } from '@fediflow/redis';
import type { Registry } from 'prom-client';

export interface ServiceModuleOptions {
  config: CommonConfig & { readonly service: ServiceName };
  registry: Registry;
  /** The service's feature modules. */
  imports?: DynamicModule['imports'];
  /** Readiness duties beyond PostgreSQL and Redis, e.g. "the queue consumer runs". */
  readinessChecks?: Type<ReadinessCheck>[];
}

@Module({})
class ServiceRootModule {}

/**
 * The module every service shares: config, metrics, PostgreSQL, Redis, health and the one error
 * mapper (a service adds its domain errors through `DOMAIN_ERROR_MAPPER`), plus its features.
 */
export function serviceModule(options: ServiceModuleOptions): DynamicModule {
  const features = options.imports ?? [];
  return {
    module: ServiceRootModule,
    providers: [
      ServiceExceptionFilter,
      { provide: APP_FILTER, useExisting: ServiceExceptionFilter },
    ],
    imports: [
      ConfigModule.forRoot(options.config),
      MetricsModule.forRoot(options.registry),
      DatabaseModule,
      RedisModule,
      ...features,
      HealthModule.forRoot({ checks: options.readinessChecks, imports: features }),
    ],
  };
}
