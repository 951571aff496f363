import type { JobOutcome, QueueName } from '@fediflow/queue';
import type { Job } from 'bullmq';

/** Handles the jobs of one queue. Throwing fails the attempt; BullMQ retries per queue settings. */
export interface JobProcessor {
  readonly queue: QueueName;
  /** Resolves to `skipped` when the job had nothing to do (e.g. its interval already ran). */
  process(job: Job): Promise<Exclude<JobOutcome, 'failed'>>;
}

/** The array of every `JobProcessor` the workers service runs. */
export const JOB_PROCESSORS = Symbol('JOB_PROCESSORS');
