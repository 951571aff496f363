import { Module } from '@nestjs/common';
import { StatusViewsModule } from '../statuses/status-views.module';
import { NotificationsController } from './notifications.controller';
import { Notifier } from './notifier';

/** A member's notifications, and the `Notifier` the features that cause them record them with. */
@Module({
  imports: [StatusViewsModule],
  controllers: [NotificationsController],
  providers: [Notifier],
  exports: [Notifier],
})
export class NotificationsModule {}
