import { Module } from '@nestjs/common';
import { StatusViewsModule } from '../statuses/status-views.module';
import { PublicPagesController } from './public-pages.controller';

/** The public HTML pages of profiles and posts (where browsers asking for actors are sent). */
@Module({
  imports: [StatusViewsModule],
  controllers: [PublicPagesController],
})
export class WebModule {}
