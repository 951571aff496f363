import { QueueName } from './queue-names';

/** Jobs of the home-feeds queue: the social events home feeds follow, by name, with payloads. */
export const HomeFeedJob = {
  StatusCreated: 'status-created',
  StatusDeleted: 'status-deleted',
  FollowStarted: 'follow-started',
  FollowEnded: 'follow-ended',
} as const;
export type HomeFeedJob = (typeof HomeFeedJob)[keyof typeof HomeFeedJob];

export interface HomeFeedJobData {
  [HomeFeedJob.StatusCreated]: { statusId: string; accountId: string };
  [HomeFeedJob.StatusDeleted]: { statusId: string; accountId: string; reblogOfId: string | null };
  [HomeFeedJob.FollowStarted]: { followerId: string; targetId: string };
  [HomeFeedJob.FollowEnded]: { followerId: string; targetId: string };
}

export const HOME_FEED_QUEUE = QueueName.HomeFeeds;
