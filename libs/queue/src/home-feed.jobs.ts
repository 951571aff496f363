import { QueueName } from './queue-names';

/** Jobs of the home-feeds queue: the social events home feeds follow, by name, with payloads. */
export const HomeFeedJob = {
  StatusCreated: 'status-created',
  StatusDeleted: 'status-deleted',
  FollowStarted: 'follow-started',
  FollowEnded: 'follow-ended',
  FeedsInvalidated: 'feeds-invalidated',
} as const;
export type HomeFeedJob = (typeof HomeFeedJob)[keyof typeof HomeFeedJob];

export interface HomeFeedJobData {
  [HomeFeedJob.StatusCreated]: { statusId: string; accountId: string };
  [HomeFeedJob.StatusDeleted]: { statusId: string; accountId: string; reblogOfId: string | null };
  [HomeFeedJob.FollowStarted]: { followerId: string; targetId: string };
  [HomeFeedJob.FollowEnded]: { followerId: string; targetId: string };
  /** Feeds a block, mute or domain block (or its end) changed: dropped, rebuilt when next read. */
  [HomeFeedJob.FeedsInvalidated]: { memberIds: string[] };
}

export const HOME_FEED_QUEUE = QueueName.HomeFeeds;
