import { Module } from '@nestjs/common';
import { FederationCoreModule } from '@fediflow/federation';

/**
 * ActivityPub: Fedify's federation (libs/federation) served by `configureFederationHttp` on the
 * federation-owned public paths (WebFinger, NodeInfo, actors, collections, objects, inboxes).
 */
@Module({ imports: [FederationCoreModule], exports: [FederationCoreModule] })
export class FederationModule {}

export { FederationStatusCheck } from './federation-status.check';
