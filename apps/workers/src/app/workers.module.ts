import { Module } from '@nestjs/common';
import { QueueMetrics, QueueModule, Queues } from '@fediflow/queue';
import { Registry } from 'prom-client';
import { JOB_PROCESSORS, type JobProcessor } from '../consumers/job-processor';
import { QueueConsumers } from '../consumers/queue-consumers';
import { HousekeepingProcessor } from '../housekeeping/housekeeping.processor';
import { HousekeepingScheduler } from '../housekeeping/housekeeping.scheduler';
import { PruneJobRuns } from '../housekeeping/prune-job-runs';
import { JobRunClaims } from '../scheduling/job-run-claims';

const processors = [HousekeepingProcessor];

@Module({
  imports: [QueueModule],
  providers: [
    JobRunClaims,
    PruneJobRuns,
    HousekeepingScheduler,
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
