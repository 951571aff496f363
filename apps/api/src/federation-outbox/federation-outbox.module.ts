import { Global, Module } from '@nestjs/common';
import { FederationCoreModule, FederationOutbox, OutboxRelay } from '@fediflow/federation';

/**
 * The federation core's outbox for every feature module: the API only records what members do
 * (`FederationOutbox`) and relays it to the queue (`OutboxRelay`); builders, recipients and
 * sending live in `libs/federation/src/outbox`.
 */
@Global()
@Module({
  imports: [FederationCoreModule],
  providers: [FederationOutbox, OutboxRelay],
  exports: [FederationOutbox, OutboxRelay],
})
export class FederationOutboxModule {}
