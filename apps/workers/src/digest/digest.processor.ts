import { Injectable, Logger } from '@nestjs/common';
import { DIGEST_QUEUE, DIGEST_SCHEDULE, DigestJob, type JobOutcome } from '@fediflow/queue';
import type { Job } from 'bullmq';
import type { JobProcessor } from '../consumers/job-processor';
import { JobRunClaims } from '../scheduling/job-run-claims';
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
    const result = await this.claims.runOncePerInterval(
      job.name,
      job.timestamp,
      { everyMs: DIGEST_SCHEDULE[DigestJob.SendDigests].everyMs, leaseMs: CLAIM_LEASE_MS },
      async () => ({ ...(await this.digests.run()) }),
    );
    if (!result.ran) return 'skipped';
    this.logger.log({ msg: `${job.name} done`, ...result.detail });
    return 'completed';
  }
}
