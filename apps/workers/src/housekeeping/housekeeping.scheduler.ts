import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import {
  HOUSEKEEPING_QUEUE,
  HOUSEKEEPING_SCHEDULE,
  HousekeepingJob,
  type HousekeepingJobData,
  Queues,
} from '@fediflow/queue';

const JOB_RUN_RETENTION_DAYS = 30;
/** Long enough for operators to look back at an incident with a remote server. */
const DELIVERY_FAILURE_RETENTION_DAYS = 30;

/** Mastodon removes unattached uploads after a day too. */
const UNATTACHED_MEDIA_RETENTION_HOURS = 24;

const JOB_DATA: HousekeepingJobData = {
  [HousekeepingJob.PruneJobRuns]: { retentionDays: JOB_RUN_RETENTION_DAYS },
  [HousekeepingJob.PruneDeliveryFailures]: { retentionDays: DELIVERY_FAILURE_RETENTION_DAYS },
  [HousekeepingJob.ResendFollowRequests]: {},
  [HousekeepingJob.PruneUnattachedMedia]: { retentionHours: UNATTACHED_MEDIA_RETENTION_HOURS },
  [HousekeepingJob.ExpireMutes]: {},
};

/**
 * Registers the housekeeping schedules. Upserting is idempotent, so every replica may do it at
 * start-up; BullMQ keeps one scheduler per id whatever the number of replicas.
 */
@Injectable()
export class HousekeepingScheduler implements OnApplicationBootstrap {
  private readonly logger = new Logger(HousekeepingScheduler.name);

  constructor(private readonly queues: Queues) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down this waits for it, and start-up must not.
    void this.schedule().catch((error: unknown) =>
      this.logger.error({ msg: 'could not register housekeeping schedules', err: error }),
    );
  }

  async schedule(): Promise<void> {
    const queue = this.queues.get(HOUSEKEEPING_QUEUE);
    for (const name of Object.values(HousekeepingJob)) {
      await queue.upsertJobScheduler(
        name,
        { every: HOUSEKEEPING_SCHEDULE[name].everyMs },
        { name, data: JOB_DATA[name] },
      );
    }
  }
}
