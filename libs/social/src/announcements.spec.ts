import type { DataSource, EntityManager } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { Announcements, UnscopedSocialWriteError } from './announcements';
import type { Queryable } from './queryable';
import { SocialEvents, type FollowChanged } from './social-events';

const follow = { followerId: '1', targetId: '2' };

/** A DataSource whose transaction hands out a fresh manager, as TypeORM does. */
function fakeDataSource(): DataSource {
  return {
    transaction: async <T>(work: (manager: EntityManager) => Promise<T>) =>
      work({ query: async () => [] } as unknown as EntityManager),
  } as unknown as DataSource;
}

function recorded() {
  const events = new SocialEvents();
  const seen: FollowChanged[] = [];
  events.subscribe('followStarted', (event) => void seen.push(event));
  return { announcements: new Announcements(events), seen };
}

describe('Announcements', () => {
  it('holds a transaction’s events until it has committed', async () => {
    const { announcements, seen } = recorded();
    const result = await announcements.transaction(fakeDataSource(), async (manager) => {
      await announcements.announce(manager, 'followStarted', follow);
      expect(seen).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(seen).toEqual([follow]);
  });

  it('drops the events of a transaction that failed', async () => {
    const { announcements, seen } = recorded();
    await expect(
      announcements.transaction(fakeDataSource(), async (manager) => {
        await announcements.announce(manager, 'followStarted', follow);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(seen).toEqual([]);
  });

  it('announces a write on a plain connection at once', async () => {
    const { announcements, seen } = recorded();
    const connection = { query: async () => [] } as unknown as Queryable;
    await announcements.announce(connection, 'followStarted', follow);
    expect(seen).toEqual([follow]);
  });

  it('refuses a write in a transaction it did not open', async () => {
    const { announcements, seen } = recorded();
    const foreign = {
      query: async () => [],
      queryRunner: { isTransactionActive: true },
    } as unknown as EntityManager;
    await expect(announcements.announce(foreign, 'followStarted', follow)).rejects.toThrow(
      UnscopedSocialWriteError,
    );
    expect(seen).toEqual([]);
  });
});
