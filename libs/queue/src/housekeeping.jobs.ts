import { QueueName } from './queue-names';

/** Jobs of the housekeeping queue, by name, with their payloads. */
export const HousekeepingJob = {
  PruneJobRuns: 'prune-job-runs',
  PruneDeliveryFailures: 'prune-delivery-failures',
  ResendFollowRequests: 'resend-follow-requests',
  PruneUnattachedMedia: 'prune-unattached-media',
  ExpireMutes: 'expire-mutes',
} as const;
export type HousekeepingJob = (typeof HousekeepingJob)[keyof typeof HousekeepingJob];

export interface HousekeepingJobData {
  [HousekeepingJob.PruneJobRuns]: {
    /** Finished job runs older than this are deleted. */
    retentionDays: number;
  };
  [HousekeepingJob.PruneDeliveryFailures]: {
    /** Failed-delivery records whose last failure is older than this are deleted. */
    retentionDays: number;
  };
  [HousekeepingJob.ResendFollowRequests]: Record<string, never>;
  [HousekeepingJob.PruneUnattachedMedia]: {
    /** Uploads not attached to any status for longer than this are deleted with their files. */
    retentionHours: number;
  };
  [HousekeepingJob.ExpireMutes]: Record<string, never>;
}

/** How often each housekeeping job is scheduled (one run per interval across all replicas). */
export const HOUSEKEEPING_SCHEDULE: Record<HousekeepingJob, { everyMs: number }> = {
  [HousekeepingJob.PruneJobRuns]: { everyMs: 15 * 60_000 },
  [HousekeepingJob.PruneDeliveryFailures]: { everyMs: 60 * 60_000 },
  // The shortest re-send delay is an hour (libs/federation follow-resends): a quarter is plenty.
  [HousekeepingJob.ResendFollowRequests]: { everyMs: 15 * 60_000 },
  [HousekeepingJob.PruneUnattachedMedia]: { everyMs: 60 * 60_000 },
  // Readers already ignore lapsed mutes; this removes them and announces their end.
  [HousekeepingJob.ExpireMutes]: { everyMs: 5 * 60_000 },
};

export const HOUSEKEEPING_QUEUE = QueueName.Housekeeping;
