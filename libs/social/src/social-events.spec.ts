import { describe, expect, it, vi } from 'vitest';
import { SocialEvents } from './social-events';

const follow = { followerId: '1', targetId: '2' };

describe('SocialEvents', () => {
  it('calls the listeners of one event, in order, until they unsubscribe', async () => {
    const events = new SocialEvents();
    const calls: string[] = [];
    events.subscribe('followStarted', () => void calls.push('first'));
    const unsubscribe = events.subscribe('followStarted', async (event) => {
      calls.push(`second ${event.followerId}->${event.targetId}`);
    });
    events.subscribe('followEnded', () => void calls.push('other event'));

    await events.emit('followStarted', follow);
    unsubscribe();
    await events.emit('followStarted', follow);
    expect(calls).toEqual(['first', 'second 1->2', 'first']);
  });

  it('reports a failing listener and still runs the others; emit itself never throws', async () => {
    const onListenerError = vi.fn();
    const events = new SocialEvents(onListenerError);
    const later = vi.fn();
    events.subscribe('statusDeleted', () => {
      throw new Error('feed is down');
    });
    events.subscribe('statusDeleted', later);

    await expect(
      events.emit('statusDeleted', { statusId: '9', accountId: '1', reblogOfId: null }),
    ).resolves.toBeUndefined();
    expect(later).toHaveBeenCalledWith({ statusId: '9', accountId: '1', reblogOfId: null });
    expect(onListenerError).toHaveBeenCalledWith(
      expect.objectContaining({ message: 'feed is down' }),
      'statusDeleted',
    );
  });
});
