import { Logger } from '@nestjs/common';
import {
  HOME_FEED_QUEUE,
  type HomeFeedJob,
  type HomeFeedJobData,
  type Queues,
} from '@fediflow/queue';
import type { SocialEvents } from '@fediflow/social';
import { subscribeHomeFeedJobs } from './home-feed-jobs';

/**
 * Hands the social events home feeds follow to the workers as home-feeds jobs. Registered in
 * every service that writes (the api, the workers' inbox handlers); the events fire after commit.
 *
 * Not awaited: a post must not wait for (or fail on) the queue. While Redis is away BullMQ's
 * connection holds the jobs and sends them on reconnect. A process that dies between the commit
 * and the enqueue loses that fan-out, as Mastodon does (its Sidekiq push follows the commit too):
 * the entry is missing from feeds until they are rebuilt (expiry, Redis loss); reads stay right
 * about everything else and deletes are never lost to it (a missing id is dropped when read).
 */
export function relaySocialEventsToHomeFeeds(events: SocialEvents, queues: Queues): () => void {
  const logger = new Logger('HomeFeedRelay');
  const queue = queues.get(HOME_FEED_QUEUE);
  const send = <K extends HomeFeedJob>(name: K, data: HomeFeedJobData[K]) => {
    queue.add(name, data).catch((error: unknown) => {
      logger.warn(`home feed job ${name} not enqueued: ${String(error)}`);
    });
  };
  return subscribeHomeFeedJobs(events, send);
}
