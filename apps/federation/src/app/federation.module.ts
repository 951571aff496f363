import { Module } from '@nestjs/common';

/** ActivityPub endpoints (WebFinger, actors, inboxes) arrive as feature modules imported here. */
@Module({})
export class FederationModule {}

export { FederationStatusCheck } from './federation-status.check';
