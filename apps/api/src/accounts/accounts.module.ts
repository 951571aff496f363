import { Module } from '@nestjs/common';
import { SocialModule } from '@fediflow/social';
import { MediaUploadsModule } from '../media/media-uploads.module';
import { OAuthModule } from '../oauth/oauth.module';
import { StatusViewsModule } from '../statuses/status-views.module';
import { AccountDirectoryModule } from './account-directory';
import { AccountsController } from './accounts.controller';
import { AccountsService } from './accounts.service';
import { EmailUnsubscribeController } from './email-unsubscribe.controller';
import { FollowRequestsController } from './follow-requests.controller';
import { FollowsService } from './follows.service';

/** Registration, profiles, follows and follow requests, e-mail unsubscribes. */
@Module({
  imports: [
    OAuthModule,
    AccountDirectoryModule,
    StatusViewsModule,
    SocialModule,
    MediaUploadsModule,
  ],
  controllers: [AccountsController, FollowRequestsController, EmailUnsubscribeController],
  providers: [AccountsService, FollowsService],
})
export class AccountsModule {}
