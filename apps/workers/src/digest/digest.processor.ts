import { Injectable, Logger } from '@nestjs/common';
import { DIGEST_QUEUE, DIGEST_SCHEDULE, DigestJob, type JobOutcome } from '@fediflow/queue';
import type { Job } from 'bullmq';
import type { JobProcessor } from '../consumers/job-processor';
import { intervalStart, JobRunClaims } from '../scheduling/job-run-claims';
import { DigestMailer } from './digest.mailer';
import { DigestService } from './digest.service';

/** A run whose worker vanished may be claimed again after this long (the interval is 5 min). */
const CLAIM_LEASE_MS = 4 * 60_000;

/** Runs the email digest once per scheduled interval, whichever replica gets the job. */
@Injectable()
export class DigestProcessor implements JobProcessor {
  readonly queue = DIGEST_QUEUE;
  private readonly logger = new Logger(DigestProcessor.name);

  constructor(
    private readonly claims: JobRunClaims,
    private readonly mailer: DigestMailer,
    private readonly digests: DigestService,
  ) {}

  async process(job: Job): Promise<Exclude<JobOutcome, 'failed'>> {
    if (job.name !== DigestJob.SendDigests) {
      // An unknown name is a deploy skew or a bug; failing keeps the job for inspection.
      throw new Error(`unknown digest job "${job.name}"`);
    }
    if (!this.mailer.enabled) {
      this.logger.log({ msg: 'email digest skipped: SMTP_URL is not set' });
      return 'skipped';
    }
    const claim = await this.claims.claim(
      job.name,
      intervalStart(job.timestamp, DIGEST_SCHEDULE[DigestJob.SendDigests].everyMs),
      CLAIM_LEASE_MS,
    );
    if (!claim) return 'skipped';
    try {
      const summary = await this.digests.run();
      await claim.succeed({ ...summary });
      this.logger.log({ msg: `${job.name} done`, ...summary });
      return 'completed';
    } catch (error) {
      await claim.fail(error);
      throw error;
    }
  }
}
