import {
  Inject,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_CONFIG, type CommonConfig } from '@fediflow/config';
import { REDIS } from '@fediflow/redis';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { SocialEvents } from '../social-events';
import { SocialModule } from '../social.module';
import { StreamChannels } from './stream-channels';
import { StreamPublisher } from './stream-publisher';

/**
 * Publishes this service's social announcements to the streaming channels. Imported by every
 * service that writes through `Social` (the api and the workers).
 */
@Module({
  imports: [SocialModule],
  providers: [
    {
      provide: StreamChannels,
      inject: [APP_CONFIG],
      useFactory: (config: CommonConfig) => new StreamChannels(config.REDIS_KEY_PREFIX),
    },
    {
      provide: StreamPublisher,
      inject: [DataSource, REDIS, StreamChannels],
      useFactory: (db: DataSource, redis: Redis, channels: StreamChannels) =>
        new StreamPublisher(db, redis, channels),
    },
  ],
  exports: [StreamChannels, StreamPublisher],
})
export class StreamPublisherModule implements OnApplicationBootstrap, OnApplicationShutdown {
  private detach?: () => void;

  constructor(
    @Inject(StreamPublisher) private readonly publisher: StreamPublisher,
    @Inject(SocialEvents) private readonly events: SocialEvents,
  ) {}

  onApplicationBootstrap(): void {
    this.detach = this.publisher.attach(this.events);
  }

  onApplicationShutdown(): void {
    this.detach?.();
  }
}
