import { Module } from '@nestjs/common';
import { FederationCoreModule } from '@fediflow/federation';
import { MediaModule } from '@fediflow/media';
import { HomeFeedsModule } from '@fediflow/home-feeds';
import { QueueMetrics, QueueModule, Queues } from '@fediflow/queue';
import { SocialModule, StreamPublisherModule } from '@fediflow/social';
import { Registry } from 'prom-client';
import { JOB_PROCESSORS, type JobProcessor } from '../consumers/job-processor';
import { QueueConsumers } from '../consumers/queue-consumers';
import { DigestDeliveries } from '../digest/digest-deliveries.repository';
import { DigestMailer } from '../digest/digest.mailer';
import { DigestMetrics } from '../digest/digest.metrics';
import { DigestProcessor } from '../digest/digest.processor';
import { DigestScheduler } from '../digest/digest.scheduler';
import { DigestService } from '../digest/digest.service';
import { FederationQueueRunner } from '../federation/federation-queue.runner';
import { FederationMetrics } from '../federation/federation.metrics';
import { HomeFeedsProcessor } from '../home-feeds/home-feeds.processor';
import { HousekeepingProcessor } from '../housekeeping/housekeeping.processor';
import { HousekeepingScheduler } from '../housekeeping/housekeeping.scheduler';
import { PruneJobRuns } from '../housekeeping/prune-job-runs';
import { PruneUnattachedMedia } from '../housekeeping/prune-unattached-media';
import { JobRunClaims } from '../scheduling/job-run-claims';

const processors = [HousekeepingProcessor, DigestProcessor, HomeFeedsProcessor];

@Module({
  // The inbox handlers' writes are announced on SocialModule's SocialEvents, and from there to
  // the streaming API's channels (remote posts reach home streams) and, through HomeFeedsModule,
  // to the home-feeds jobs HomeFeedsProcessor runs.
  imports: [
    SocialModule,
    StreamPublisherModule,
    QueueModule,
    HomeFeedsModule,
    FederationCoreModule,
    MediaModule,
  ],
  providers: [
    FederationQueueRunner,
    FederationMetrics,
    JobRunClaims,
    PruneJobRuns,
    PruneUnattachedMedia,
    HousekeepingScheduler,
    DigestDeliveries,
    DigestMailer,
    DigestMetrics,
    DigestService,
    DigestScheduler,
    ...processors,
    {
      provide: JOB_PROCESSORS,
      inject: processors,
      useFactory: (...instances: JobProcessor[]) => instances,
    },
    {
      provide: QueueMetrics,
      inject: [Registry, Queues],
      useFactory: (registry: Registry, queues: Queues) =>
        new QueueMetrics(registry, () => queues.all()),
    },
    QueueConsumers,
  ],
  exports: [QueueConsumers],
})
export class WorkersModule {}

export { QueueConsumersCheck } from '../consumers/queue-consumers.check';
