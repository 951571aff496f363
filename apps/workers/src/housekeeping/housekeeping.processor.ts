import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type WorkersConfig } from '@fediflow/config';
import {
  HOUSEKEEPING_QUEUE,
  HOUSEKEEPING_SCHEDULE,
  HousekeepingJob,
  type HousekeepingJobData,
  type JobOutcome,
} from '@fediflow/queue';
import { FederationRuntime, resendPendingFollows } from '@fediflow/federation';
import { Social } from '@fediflow/social';
import { DataSource } from 'typeorm';
import type { Job } from 'bullmq';
import type { JobProcessor } from '../consumers/job-processor';
import { JobRunClaims } from '../scheduling/job-run-claims';
import { PruneJobRuns } from './prune-job-runs';
import { PruneUnattachedMedia } from './prune-unattached-media';

/** A run whose worker vanished may be retried after this long. */
const CLAIM_LEASE_MS = 10 * 60_000;

@Injectable()
export class HousekeepingProcessor implements JobProcessor {
  readonly queue = HOUSEKEEPING_QUEUE;
  private readonly logger = new Logger(HousekeepingProcessor.name);

  constructor(
    private readonly claims: JobRunClaims,
    private readonly pruneJobRuns: PruneJobRuns,
    private readonly pruneUnattachedMedia: PruneUnattachedMedia,
    private readonly federation: FederationRuntime,
    private readonly db: DataSource,
    private readonly social: Social,
    @Inject(APP_CONFIG) private readonly config: WorkersConfig,
  ) {}

  async process(job: Job): Promise<Exclude<JobOutcome, 'failed'>> {
    switch (job.name) {
      case HousekeepingJob.PruneJobRuns:
        return this.once(job, async () => {
          const data = job.data as HousekeepingJobData[typeof HousekeepingJob.PruneJobRuns];
          return this.pruneJobRuns.run(data.retentionDays);
        });
      case HousekeepingJob.PruneDeliveryFailures:
        return this.once(job, async () => {
          const data =
            job.data as HousekeepingJobData[typeof HousekeepingJob.PruneDeliveryFailures];
          return this.federation.deliveryFailures.prune(data.retentionDays);
        });
      case HousekeepingJob.ResendFollowRequests:
        return this.once(job, async () => {
          // Paused federation delivers nothing: re-sending would only spend the request's tries.
          if (!this.config.FEDERATION_ENABLED) return { resent: 0, paused: true };
          const { federation, origin } = this.federation;
          const ctx = federation.createContext(new URL(origin), undefined);
          return resendPendingFollows(this.db, ctx);
        });
      case HousekeepingJob.PruneUnattachedMedia:
        return this.once(job, async () => {
          const data = job.data as HousekeepingJobData[typeof HousekeepingJob.PruneUnattachedMedia];
          return this.pruneUnattachedMedia.run(data.retentionHours);
        });
      case HousekeepingJob.ExpireMutes:
        return this.once(job, async () => ({
          expired: await this.social.transaction((manager) => this.social.mutes.expire(manager)),
        }));
      default:
        // An unknown name is a deploy skew or a bug; failing keeps the job for inspection.
        throw new Error(`unknown housekeeping job "${job.name}"`);
    }
  }

  /** Runs `work` only if this interval of the job has not run (or is being run) elsewhere. */
  private async once(
    job: Job,
    work: () => Promise<Record<string, unknown>>,
  ): Promise<Exclude<JobOutcome, 'failed'>> {
    const { everyMs } = HOUSEKEEPING_SCHEDULE[job.name as HousekeepingJob];
    const result = await this.claims.runOncePerInterval(
      job.name,
      job.timestamp,
      { everyMs, leaseMs: CLAIM_LEASE_MS },
      work,
    );
    if (!result.ran) return 'skipped';
    this.logger.log({ msg: `${job.name} done`, ...result.detail });
    return 'completed';
  }
}
