import { QueueName } from './queue-names';

/** Jobs of the digest queue, by name, with their payloads. */
export const DigestJob = {
  SendDigests: 'send-digests',
} as const;
export type DigestJob = (typeof DigestJob)[keyof typeof DigestJob];

export interface DigestJobData {
  /** Everything the run needs is in the database; the payload is empty. */
  [DigestJob.SendDigests]: Record<string, never>;
}

/** How often each digest job is scheduled (one run per interval across all replicas). */
export const DIGEST_SCHEDULE: Record<DigestJob, { everyMs: number }> = {
  [DigestJob.SendDigests]: { everyMs: 5 * 60_000 },
};

export const DIGEST_QUEUE = QueueName.Digest;
