import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type CommonConfig, type ServiceName } from '@fediflow/config';
import { createRedisConnection } from '@fediflow/redis';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueName } from './queue-names';
import { QUEUE_SETTINGS, queuePrefix } from './queue-settings';

/** The connection BullMQ producers and consumers share (unlimited retries, offline queue on). */
export const QUEUE_CONNECTION = Symbol('QUEUE_CONNECTION');

/** Producer handles for every queue, keyed by name: `queues.get(QueueName.Housekeeping)`. */
export class Queues {
  constructor(private readonly byName: ReadonlyMap<QueueName, Queue>) {}

  get(name: QueueName): Queue {
    const queue = this.byName.get(name);
    if (!queue) throw new Error(`unknown queue ${name}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.byName.values()];
  }
}

@Global()
@Module({
  providers: [
    {
      provide: QUEUE_CONNECTION,
      inject: [APP_CONFIG],
      useFactory: (config: CommonConfig & { service: ServiceName }): Redis =>
        createRedisConnection({
          url: config.REDIS_URL,
          name: `${config.service}:queue`,
          role: 'queue',
        }),
    },
    {
      provide: Queues,
      inject: [APP_CONFIG, QUEUE_CONNECTION],
      useFactory: (config: CommonConfig, connection: Redis) => {
        const prefix = queuePrefix(config.REDIS_KEY_PREFIX);
        const queues = Object.values(QueueName).map((name) => {
          const queue = new Queue(name, {
            connection,
            prefix,
            defaultJobOptions: QUEUE_SETTINGS[name].jobOptions,
          });
          queue.on('error', () => undefined); // outages surface through readiness, not crashes
          return [name, queue] as const;
        });
        return new Queues(new Map(queues));
      },
    },
  ],
  exports: [QUEUE_CONNECTION, Queues],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(
    private readonly queues: Queues,
    @Inject(QUEUE_CONNECTION) private readonly connection: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.all().map((queue) => queue.close()));
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}
