import { Module } from '@nestjs/common';
import { FederationCoreModule } from '@fediflow/federation';
import { InboxMetrics } from '../inbox/inbox-metrics';
import { FederationQueueCheck } from './federation-queue.check';
import { FederationStatusCheck } from './federation-status.check';
import { SigningKeysCheck } from './signing-keys.check';

/**
 * ActivityPub: Fedify's federation (libs/federation) served by `configureFederationHttp` on the
 * federation-owned public paths (WebFinger, NodeInfo, actors, collections, objects, inboxes).
 */
@Module({
  imports: [FederationCoreModule],
  providers: [InboxMetrics],
  exports: [FederationCoreModule, InboxMetrics],
})
export class FederationModule {}

/** Readiness beyond PostgreSQL and Redis: switched on or off, the queue, the signing keys. */
export const FEDERATION_READINESS_CHECKS = [
  FederationStatusCheck,
  FederationQueueCheck,
  SigningKeysCheck,
];
