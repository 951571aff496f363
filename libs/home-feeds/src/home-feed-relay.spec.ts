import { HOME_FEED_QUEUE, HomeFeedJob, Queues } from '@fediflow/queue';
import { SocialEvents } from '@fediflow/social';
import type { Queue } from 'bullmq';
import { describe, expect, it } from 'vitest';
import { relaySocialEventsToHomeFeeds } from './home-feed-relay';

function recordingQueues(fail = false) {
  const added: [string, unknown][] = [];
  const queue = {
    add: async (name: string, data: unknown) => {
      if (fail) throw new Error('Redis is away');
      added.push([name, data]);
    },
  } as unknown as Queue;
  return { added, queues: new Queues(new Map([[HOME_FEED_QUEUE, queue]])) };
}

describe('relaySocialEventsToHomeFeeds', () => {
  it('turns each social event into its home-feeds job, until stopped', async () => {
    const events = new SocialEvents();
    const { added, queues } = recordingQueues();
    const stop = relaySocialEventsToHomeFeeds(events, queues);
    await events.emit('statusCreated', {
      statusId: '2',
      accountId: '1',
      inReplyToId: null,
      reblogOfId: null,
    });
    await events.emit('statusDeleted', { statusId: '3', accountId: '1', reblogOfId: '2' });
    await events.emit('followStarted', { followerId: '4', targetId: '1' });
    await events.emit('followEnded', { followerId: '4', targetId: '1' });
    stop();
    await events.emit('followEnded', { followerId: '5', targetId: '1' });
    expect(added).toEqual([
      [HomeFeedJob.StatusCreated, { statusId: '2', accountId: '1' }],
      [HomeFeedJob.StatusDeleted, { statusId: '3', accountId: '1', reblogOfId: '2' }],
      [HomeFeedJob.FollowStarted, { followerId: '4', targetId: '1' }],
      [HomeFeedJob.FollowEnded, { followerId: '4', targetId: '1' }],
    ]);
  });

  it('never fails the write it follows when the queue refuses the job', async () => {
    const errors: unknown[] = [];
    const events = new SocialEvents((error) => errors.push(error));
    relaySocialEventsToHomeFeeds(events, recordingQueues(true).queues);
    await events.emit('followStarted', { followerId: '4', targetId: '1' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([]);
  });
});
