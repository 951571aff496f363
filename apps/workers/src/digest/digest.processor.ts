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
    return this.runScheduled(job.timestamp);
  }

  /**
   * The digest run of the interval `scheduledAt` falls in, claimed in `job_runs`: the BullMQ
   * schedule of the Kubernetes workers and the emailSender Lambda's schedule share the claim, so
   * one interval is sent by one of them only.
   */
  async runScheduled(scheduledAt: number): Promise<Exclude<JobOutcome, 'failed'>> {
    const name = DigestJob.SendDigests;
    if (!this.mailer.enabled) {
      this.logger.log({ msg: 'email digest skipped: SMTP_URL is not set' });
      return 'skipped';
    }
    const result = await this.claims.runOncePerInterval(
      name,
      scheduledAt,
      { everyMs: DIGEST_SCHEDULE[name].everyMs, leaseMs: CLAIM_LEASE_MS },
      async () => ({ ...(await this.digests.run()) }),
    );
    if (!result.ran) return 'skipped';
    this.logger.log({ msg: `${name} done`, ...result.detail });
    return 'completed';
  }
}
