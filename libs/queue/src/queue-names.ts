/** Every BullMQ queue FediFlow uses. Producers and consumers import these, never literals. */
export const QueueName = {
  /** Periodic maintenance (pruning job history); consumed by `workers`. */
  Housekeeping: 'housekeeping',
  /** The email digest of members' notifications; consumed by `workers`. */
  Digest: 'digest',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
