import { Injectable, Logger } from '@nestjs/common';
import { applyHomeFeedJob, HomeFanout } from '@fediflow/home-feeds';
import { HOME_FEED_QUEUE, type JobOutcome } from '@fediflow/queue';
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
    return applyHomeFeedJob(this.fanout, job.name, job.data);
  }
}
