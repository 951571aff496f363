import { Injectable, Logger } from '@nestjs/common';
import { HomeFanout } from '@fediflow/home-feeds';
import {
  HOME_FEED_QUEUE,
  HomeFeedJob,
  type HomeFeedJobData,
  type JobOutcome,
} from '@fediflow/queue';
import type { Job } from 'bullmq';
import type { JobProcessor } from '../consumers/job-processor';

/** Fan-out on write: applies each social event to the home feeds it changes. */
@Injectable()
export class HomeFeedsProcessor implements JobProcessor {
  readonly queue = HOME_FEED_QUEUE;
  private readonly logger = new Logger(HomeFeedsProcessor.name);

  constructor(private readonly fanout: HomeFanout) {}

  async process(job: Job): Promise<Exclude<JobOutcome, 'failed'>> {
    const feeds = await this.run(job);
    this.logger.debug({ msg: `${job.name} fanned out`, feeds });
    return feeds > 0 ? 'completed' : 'skipped';
  }

  private run(job: Job): Promise<number> {
    switch (job.name) {
      case HomeFeedJob.StatusCreated:
        return this.fanout.statusCreated(
          job.data as HomeFeedJobData[typeof HomeFeedJob.StatusCreated],
        );
      case HomeFeedJob.StatusDeleted:
        return this.fanout.statusDeleted(
          job.data as HomeFeedJobData[typeof HomeFeedJob.StatusDeleted],
        );
      case HomeFeedJob.FollowStarted:
        return this.fanout.followStarted(
          job.data as HomeFeedJobData[typeof HomeFeedJob.FollowStarted],
        );
      case HomeFeedJob.FollowEnded:
        return this.fanout.followEnded(job.data as HomeFeedJobData[typeof HomeFeedJob.FollowEnded]);
      case HomeFeedJob.FeedsInvalidated:
        return this.fanout.invalidate(
          (job.data as HomeFeedJobData[typeof HomeFeedJob.FeedsInvalidated]).memberIds,
        );
      default:
        // An unknown name is a deploy skew or a bug; failing keeps the job for inspection.
        throw new Error(`unknown home-feeds job "${job.name}"`);
    }
  }
}
