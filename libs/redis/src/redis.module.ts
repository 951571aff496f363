import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type CommonConfig, type ServiceName } from '@fediflow/config';
import type { Redis } from 'ioredis';
import { createRedisConnection, redisKeyPrefix } from './redis-connection';

/** Injection token of the shared `command` connection, prefixed with `REDIS_KEY_PREFIX`. */
export const REDIS = Symbol('REDIS');

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [APP_CONFIG],
      useFactory: (config: CommonConfig & { service: ServiceName }): Redis =>
        createRedisConnection({
          url: config.REDIS_URL,
          name: `${config.service}:command`,
          role: 'command',
          keyPrefix: redisKeyPrefix(config.REDIS_KEY_PREFIX),
        }),
    },
  ],
  exports: [REDIS],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
