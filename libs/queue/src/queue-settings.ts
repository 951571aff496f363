import type { DefaultJobOptions } from 'bullmq';
import { QueueName } from './queue-names';

export interface QueueSettings {
  /** Jobs one worker process runs at once (WORKER_CONCURRENCY caps it further). */
  concurrency: number;
  jobOptions: DefaultJobOptions;
}

/**
 * Per-queue behaviour in one place. Transient failures retry with jittered exponential back-off;
 * finished jobs are kept briefly for inspection, then trimmed so Redis does not grow.
 */
export const QUEUE_SETTINGS: Record<QueueName, QueueSettings> = {
  [QueueName.Housekeeping]: {
    concurrency: 1,
    jobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 10_000, jitter: 0.5 },
      removeOnComplete: { age: 24 * 3600, count: 1_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  },
  [QueueName.Digest]: {
    concurrency: 1,
    jobOptions: {
      // A run that failed (e.g. the SMTP server is down) is retried within its 5-minute interval.
      attempts: 3,
      backoff: { type: 'exponential', delay: 30_000, jitter: 0.5 },
      removeOnComplete: { age: 24 * 3600, count: 1_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  },
  [QueueName.HomeFeeds]: {
    // Each job is a few queries and one Redis pipeline; replicas share the load.
    concurrency: 4,
    jobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
      // Many small jobs: keep only a short tail of them.
      removeOnComplete: { age: 3600, count: 1_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  },
};

/** BullMQ keys live below the service's Redis prefix, e.g. `fediflow:bull:housekeeping:*`. */
export function queuePrefix(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}:bull`;
}
