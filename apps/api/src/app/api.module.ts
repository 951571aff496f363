import { Module } from '@nestjs/common';
import { MediaModule } from '@fediflow/media';
import { HomeFeedsModule } from '@fediflow/home-feeds';
import { QueueModule } from '@fediflow/queue';
import { AccountsModule } from '../accounts/accounts.module';
import { ApiCommonModule } from '../common/api-common.module';
import { FederationOutboxModule } from '../federation-outbox/federation-outbox.module';
import { InstanceModule } from '../instance/instance.module';
import { MediaUploadsModule } from '../media/media-uploads.module';
import { ListsModule } from '../lists/lists.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { OAuthModule } from '../oauth/oauth.module';
import { RelationsModule } from '../relations/relations.module';
import { SearchModule } from '../search/search.module';
import { StatusesModule } from '../statuses/statuses.module';
import { StreamingModule } from '../streaming/streaming.module';
import { TagsModule } from '../tags/tags.module';
import { TimelinesModule } from '../timelines/timelines.module';
import { WebModule } from '../web/web.module';

/** The member REST API: a Mastodon-compatible subset (see the README for the endpoint list). */
@Module({
  imports: [
    // Home feeds: read here, fanned out by the workers from the jobs this service enqueues.
    QueueModule,
    HomeFeedsModule,
    ApiCommonModule,
    MediaModule,
    MediaUploadsModule,
    FederationOutboxModule,
    OAuthModule,
    AccountsModule,
    RelationsModule,
    ListsModule,
    StatusesModule,
    TimelinesModule,
    NotificationsModule,
    TagsModule,
    InstanceModule,
    WebModule,
    SearchModule,
    StreamingModule,
  ],
  // Its readiness check (StreamingCheck) is resolved from here.
  exports: [StreamingModule],
})
export class ApiModule {}
