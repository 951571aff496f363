import { Module } from '@nestjs/common';
import { StatusViewsModule } from '../statuses/status-views.module';
import { TimelinesController } from './timelines.controller';

/** Home, public and hashtag timelines. */
@Module({
  imports: [StatusViewsModule],
  controllers: [TimelinesController],
})
export class TimelinesModule {}
