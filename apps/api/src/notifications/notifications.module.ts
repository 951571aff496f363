import { Module } from '@nestjs/common';
import { SocialModule } from '@fediflow/social';
import { StatusViewsModule } from '../statuses/status-views.module';
import { NotificationView } from './notification.view';
import { NotificationsController } from './notifications.controller';

/** A member's notifications (the features that cause them record them through `Social`). */
@Module({
  imports: [StatusViewsModule, SocialModule],
  controllers: [NotificationsController],
  providers: [NotificationView],
  exports: [NotificationView],
})
export class NotificationsModule {}
