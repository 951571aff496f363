import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { REDIS } from '@fediflow/redis';
import type { Redis } from 'ioredis';
import { errorMessage, withTimeout, type ReadinessCheck } from '../readiness-check';

/** Redis answers PING over the service's shared connection. */
@Injectable()
export class RedisCheck implements ReadinessCheck {
  readonly key = 'redis';

  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(this.key);
    try {
      await withTimeout(this.redis.ping(), 1_500, 'PING');
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: errorMessage(error), connection: this.redis.status });
    }
  }
}
