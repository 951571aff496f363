/** Every BullMQ queue FediFlow uses. Producers and consumers import these, never literals. */
export const QueueName = {
  /** Periodic maintenance (pruning job history); consumed by `workers`. */
  Housekeeping: 'housekeeping',
  /** The email digest of members' notifications; consumed by `workers`. */
  Digest: 'digest',
  /** Fan-out of statuses and follows into members' Redis home feeds; consumed by `workers`. */
  HomeFeeds: 'home-feeds',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];
