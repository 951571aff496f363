import { Module } from '@nestjs/common';
import { AccountDirectoryModule } from '../accounts/account-directory';
import { AccountsController } from '../accounts/accounts.controller';
import { AccountsService } from '../accounts/accounts.service';
import { EmailUnsubscribeController } from '../accounts/email-unsubscribe.controller';
import { FollowRequestsController } from '../accounts/follow-requests.controller';
import { FollowsService } from '../accounts/follows.service';
import { ApiCommonModule } from '../common/api-common.module';
import { FederationOutboxModule } from '../federation-outbox/federation-outbox.module';
import { ClientStartupController } from '../instance/client-startup.controller';
import { DefaultImagesController } from '../instance/default-images.controller';
import { InstanceController } from '../instance/instance.controller';
import { MarkersController } from '../instance/markers.controller';
import { NotificationsController } from '../notifications/notifications.controller';
import { OAuthModule } from '../oauth/oauth.module';
import { SearchModule } from '../search/search.controller';
import { StatusInteractionsController } from '../statuses/status-interactions.controller';
import { StatusMarksController } from '../statuses/status-marks.controller';
import { StatusMarksService } from '../statuses/status-marks.service';
import { StatusesController } from '../statuses/statuses.controller';
import { TagView } from '../tags/tag.view';
import { TagsController } from '../tags/tags.controller';
import { StatusesService } from '../statuses/statuses.service';
import { TimelinesController } from '../timelines/timelines.controller';
import { PublicPagesController } from '../web/public-pages.controller';

@Module({
  imports: [ApiCommonModule, OAuthModule, AccountDirectoryModule],
  controllers: [AccountsController, FollowRequestsController, EmailUnsubscribeController],
  providers: [AccountsService, FollowsService],
})
class AccountsModule {}

@Module({
  imports: [ApiCommonModule],
  controllers: [
    StatusesController,
    StatusInteractionsController,
    StatusMarksController,
    TimelinesController,
    NotificationsController,
    TagsController,
  ],
  providers: [StatusesService, StatusMarksService, TagView],
})
class StatusesModule {}

@Module({
  imports: [ApiCommonModule],
  controllers: [
    InstanceController,
    ClientStartupController,
    MarkersController,
    DefaultImagesController,
    PublicPagesController,
  ],
})
class InstanceModule {}

/** The member REST API: a Mastodon-compatible subset (see the README for the endpoint list). */
@Module({
  imports: [
    ApiCommonModule,
    FederationOutboxModule,
    OAuthModule,
    AccountsModule,
    StatusesModule,
    InstanceModule,
    SearchModule,
  ],
})
export class ApiModule {}
