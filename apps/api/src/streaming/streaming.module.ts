import { Module } from '@nestjs/common';
import { StreamPublisherModule } from '@fediflow/social';
import { NotificationsModule } from '../notifications/notifications.module';
import { StatusViewsModule } from '../statuses/status-views.module';
import { StreamRenderer } from './stream-renderer';
import { StreamingServer } from './streaming.server';

/**
 * The streaming API (routes registered on Fastify by configureApiHttp) and the publisher of this
 * service's social announcements to the streaming channels.
 */
@Module({
  imports: [StreamPublisherModule, StatusViewsModule, NotificationsModule],
  providers: [StreamRenderer, StreamingServer],
  exports: [StreamingServer],
})
export class StreamingModule {}
