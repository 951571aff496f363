import { HomeFeedJob, type HomeFeedJobData } from '@fediflow/queue';
import type { SocialEvents } from '@fediflow/social';
import type { HomeFanout } from './home-fanout';

export type HomeFeedJobSender = <K extends HomeFeedJob>(
  name: K,
  data: HomeFeedJobData[K],
) => void | Promise<void>;

/**
 * The social events home feeds follow, as home-feeds jobs: the one mapping, used by the relay
 * (which enqueues them for the workers) and by suites that run no workers (which apply them).
 */
export function subscribeHomeFeedJobs(events: SocialEvents, send: HomeFeedJobSender): () => void {
  const unsubscribe = [
    events.subscribe('statusCreated', ({ statusId, accountId }) =>
      send(HomeFeedJob.StatusCreated, { statusId, accountId }),
    ),
    events.subscribe('statusDeleted', ({ statusId, accountId, reblogOfId }) =>
      send(HomeFeedJob.StatusDeleted, { statusId, accountId, reblogOfId }),
    ),
    events.subscribe('followStarted', (follow) => send(HomeFeedJob.FollowStarted, follow)),
    events.subscribe('followEnded', (follow) => send(HomeFeedJob.FollowEnded, follow)),
    // A block hides both ways; a mute or a domain block only from the one who made it.
    ...(['blockStarted', 'blockEnded'] as const).map((name) =>
      events.subscribe(name, ({ viewerId, targetAccountId }) =>
        send(HomeFeedJob.FeedsInvalidated, { memberIds: [viewerId, targetAccountId] }),
      ),
    ),
    ...(
      [
        'muteStarted',
        'muteEnded',
        'domainBlockStarted',
        'domainBlockEnded',
        'exclusiveListsChanged',
      ] as const
    ).map((name) =>
      events.subscribe(name, ({ viewerId }) =>
        send(HomeFeedJob.FeedsInvalidated, { memberIds: [viewerId] }),
      ),
    ),
  ];
  return () => unsubscribe.forEach((stop) => stop());
}

/** Applies one home-feeds job; the number of feeds it changed. */
export function applyHomeFeedJob(fanout: HomeFanout, name: string, data: unknown): Promise<number> {
  switch (name) {
    case HomeFeedJob.StatusCreated:
      return fanout.statusCreated(data as HomeFeedJobData[typeof HomeFeedJob.StatusCreated]);
    case HomeFeedJob.StatusDeleted:
      return fanout.statusDeleted(data as HomeFeedJobData[typeof HomeFeedJob.StatusDeleted]);
    case HomeFeedJob.FollowStarted:
      return fanout.followStarted(data as HomeFeedJobData[typeof HomeFeedJob.FollowStarted]);
    case HomeFeedJob.FollowEnded:
      return fanout.followEnded(data as HomeFeedJobData[typeof HomeFeedJob.FollowEnded]);
    case HomeFeedJob.FeedsInvalidated:
      return fanout.invalidate(
        (data as HomeFeedJobData[typeof HomeFeedJob.FeedsInvalidated]).memberIds,
      );
    default:
      // An unknown name is a deploy skew or a bug; failing keeps the job for inspection.
      throw new Error(`unknown home-feeds job "${name}"`);
  }
}
