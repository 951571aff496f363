import { Module } from '@nestjs/common';
import { AccountViewsModule } from '../accounts/account-views.module';
import { MediaViewsModule } from '../media/media-views.module';
import { StatusView } from './status.view';

/**
 * How statuses read (Mastodon's Status entity), with the account views it embeds: whoever shows
 * statuses shows their authors too, so the account views come along.
 */
@Module({
  imports: [AccountViewsModule, MediaViewsModule],
  providers: [StatusView],
  exports: [StatusView, AccountViewsModule],
})
export class StatusViewsModule {}
