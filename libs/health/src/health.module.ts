import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { DatabaseCheck } from './checks/database.check';
import { RedisCheck } from './checks/redis.check';
import { HealthController } from './health.controller';
import { READINESS_CHECKS } from './health.tokens';
import type { ReadinessCheck } from './readiness-check';
import { ShutdownState } from './shutdown-state';

/**
 * `/health` and `/ready` for every service. PostgreSQL and Redis are always checked; a service
 * passes its own checks (and the modules they need) to extend readiness.
 */
@Module({})
export class HealthModule {
  static forRoot(
    options: { checks?: Type<ReadinessCheck>[]; imports?: DynamicModule['imports'] } = {},
  ): DynamicModule {
    const checks: Type<ReadinessCheck>[] = [DatabaseCheck, RedisCheck, ...(options.checks ?? [])];
    return {
      module: HealthModule,
      global: true,
      // Terminus would log every failed probe; the controller logs transitions instead.
      imports: [TerminusModule.forRoot({ logger: false }), ...(options.imports ?? [])],
      controllers: [HealthController],
      providers: [
        ShutdownState,
        ...checks,
        {
          provide: READINESS_CHECKS,
          inject: checks,
          useFactory: (...instances: ReadinessCheck[]) => instances,
        },
      ],
      exports: [ShutdownState],
    };
  }
}
