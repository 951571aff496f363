import { CreateJobRuns1764140000000 } from './1764140000000-create-job-runs';
import { CreateSocialCore1764150000000 } from './1764150000000-create-social-core';
import { CreateActorKeys1764160000000 } from './1764160000000-create-actor-keys';
import { TimelineIndexes1764170000000 } from './1764170000000-timeline-indexes';
import { CreateDomainBlocks1764180000000 } from './1764180000000-create-domain-blocks';
import { CreateDeliveryFailures1764190000000 } from './1764190000000-create-delivery-failures';
import { StatusInReplyToUri1764200000000 } from './1764200000000-status-in-reply-to-uri';
import { FollowRequestResends1764212000000 } from './1764212000000-follow-request-resends';
import { CreateFederationOutbox1764216000000 } from './1764216000000-create-federation-outbox';
import { AccountFields1764218000000 } from './1764218000000-account-fields';
import { CreateTagFollows1764220000000 } from './1764220000000-create-tag-follows';
import { CreateBookmarksAndPins1764230000000 } from './1764230000000-create-bookmarks-and-pins';
import { FederationOutboxRedelivery1764240000000 } from './1764240000000-federation-outbox-redelivery';
import { CreateInboxJournal1764250000000 } from './1764250000000-create-inbox-journal';
import { StatusesReblogOfIndex1764260000000 } from './1764260000000-statuses-reblog-of-index';
import { CreateMediaAttachments1764270000000 } from './1764270000000-create-media-attachments';
import { CreateRelations1764280000000 } from './1764280000000-create-relations';
import { CreateCustomEmojis1764290000000 } from './1764290000000-create-custom-emojis';
import { RemoteAccountImages1764310000000 } from './1764310000000-remote-account-images';

/** Every migration, oldest first. Listed explicitly because the services are bundled. */
export const migrations = [
  CreateJobRuns1764140000000,
  CreateSocialCore1764150000000,
  CreateActorKeys1764160000000,
  TimelineIndexes1764170000000,
  CreateDomainBlocks1764180000000,
  CreateDeliveryFailures1764190000000,
  StatusInReplyToUri1764200000000,
  FollowRequestResends1764212000000,
  CreateFederationOutbox1764216000000,
  AccountFields1764218000000,
  CreateTagFollows1764220000000,
  CreateBookmarksAndPins1764230000000,
  FederationOutboxRedelivery1764240000000,
  CreateInboxJournal1764250000000,
  StatusesReblogOfIndex1764260000000,
  CreateMediaAttachments1764270000000,
  CreateRelations1764280000000,
  CreateCustomEmojis1764290000000,
  RemoteAccountImages1764310000000,
];
