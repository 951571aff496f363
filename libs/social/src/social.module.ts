import { Global, Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Social } from './social';
import { SocialEvents } from './social-events';

/** `Social` and its `SocialEvents` for a Nest service (needs the DatabaseModule's DataSource). */
@Global()
@Module({
  providers: [
    { provide: SocialEvents, useFactory: () => new SocialEvents() },
    {
      provide: Social,
      inject: [DataSource, SocialEvents],
      useFactory: (db: DataSource, events: SocialEvents) => new Social(db, events),
    },
  ],
  exports: [Social, SocialEvents],
})
export class SocialModule {}
