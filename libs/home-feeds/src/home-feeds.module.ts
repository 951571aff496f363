import { Global, Inject, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Queues } from '@fediflow/queue';
import { REDIS } from '@fediflow/redis';
import { SocialEvents } from '@fediflow/social';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { HomeFanout } from './home-fanout';
import { relaySocialEventsToHomeFeeds } from './home-feed-relay';
import { HomeFeedStore } from './home-feed.store';
import { HomeTimelineReader } from './home-timeline.reader';

/**
 * Home feeds for a Nest service: the store, the fan-out (run by the workers' home-feeds jobs),
 * and the relay of this service's social events into those jobs. Needs the Queue, Redis, Database
 * and Social modules.
 */
@Global()
@Module({
  providers: [
    {
      provide: HomeFeedStore,
      inject: [REDIS],
      useFactory: (redis: Redis) => new HomeFeedStore(redis),
    },
    {
      provide: HomeFanout,
      inject: [DataSource, HomeFeedStore],
      useFactory: (db: DataSource, store: HomeFeedStore) => new HomeFanout(db, store),
    },
    {
      provide: HomeTimelineReader,
      inject: [DataSource, HomeFeedStore],
      useFactory: (db: DataSource, store: HomeFeedStore) => new HomeTimelineReader(db, store),
    },
  ],
  exports: [HomeFeedStore, HomeFanout, HomeTimelineReader],
})
export class HomeFeedsModule implements OnModuleInit, OnModuleDestroy {
  private stopRelay?: () => void;

  constructor(
    @Inject(SocialEvents) private readonly events: SocialEvents,
    @Inject(Queues) private readonly queues: Queues,
  ) {}

  onModuleInit(): void {
    this.stopRelay = relaySocialEventsToHomeFeeds(this.events, this.queues);
  }

  onModuleDestroy(): void {
    this.stopRelay?.();
  }
}
