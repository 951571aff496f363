import { once } from 'node:events';
import { createRedisConnection, redisKeyPrefix } from '@fediflow/redis';
import { Social, SocialEvents } from '@fediflow/social';
import { migratedDatabase } from '@fediflow/testing/fixtures';
import type { Redis } from 'ioredis';
import type { DataSource } from 'typeorm';
import { HomeFanout } from './home-fanout';
import { HomeFeedStore } from './home-feed.store';
import { HomeTimelineReader, type HomePage } from './home-timeline.reader';

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/**
 * A suite's own database and Redis prefix with home feeds wired as the services wire them, except
 * that the fan-out runs inline on the social events (no queue), so a write's feeds are up to date
 * when it returns. Writes go through `Social`, as the api's and the inbox handlers' do.
 */
export interface HomeFeedsWorld {
  db: DataSource;
  redis: Redis;
  store: HomeFeedStore;
  reader: HomeTimelineReader;
  fanout: HomeFanout;
  member(username: string): Promise<string>;
  remote(username: string): Promise<string>;
  post(
    authorId: string,
    options?: { visibility?: Visibility; mentions?: string[] },
  ): Promise<string>;
  reblog(accountId: string, originalId: string): Promise<string>;
  follow(followerId: string, targetId: string): Promise<void>;
  unfollow(followerId: string, targetId: string): Promise<void>;
  remove(statusId: string): Promise<void>;
  /** Ids of the feed itself (Redis only), newest first. */
  feedIds(memberId: string): Promise<string[]>;
  sqlPage(memberId: string, page: HomePage): Promise<string[]>;
  close(): Promise<void>;
}

export async function homeFeedsWorld(
  label: string,
  options: { maxItems?: number; redisUrl?: string } = {},
): Promise<HomeFeedsWorld> {
  const { db, infra, release } = await migratedDatabase(label);
  const redis = createRedisConnection({
    url: options.redisUrl ?? infra.redisUrl,
    name: `${label}:command`,
    role: 'command',
    keyPrefix: redisKeyPrefix(infra.redis.prefix),
  });
  // Its commands fail at once until connected (no offline queue).
  if (redis.status !== 'ready') await once(redis, 'ready');
  const store = new HomeFeedStore(redis, options.maxItems);
  const reader = new HomeTimelineReader(db, store, options.maxItems);
  const fanout = new HomeFanout(db, store);
  const events = new SocialEvents((error) => {
    throw error;
  });
  events.subscribe('statusCreated', (event) => fanout.statusCreated(event).then(() => undefined));
  events.subscribe('statusDeleted', (event) => fanout.statusDeleted(event).then(() => undefined));
  events.subscribe('followStarted', (event) => fanout.followStarted(event).then(() => undefined));
  events.subscribe('followEnded', (event) => fanout.followEnded(event).then(() => undefined));
  const social = new Social(db, events);
  let count = 0;
  const insertAccount = async (username: string, domain: string | null) => {
    const [row] = (await db.query(
      `INSERT INTO accounts (username, domain) VALUES ($1, $2) RETURNING id::text AS id`,
      [`${username}${++count}`, domain],
    )) as { id: string }[];
    return row!.id;
  };

  return {
    db,
    redis,
    store,
    reader,
    fanout,
    member: (username) => insertAccount(username, null),
    remote: (username) => insertAccount(username, 'remote.example'),
    post: (authorId, { visibility = 'public', mentions = [] } = {}) =>
      social.transaction(async (m) => {
        const [row] = (await m.query(
          `INSERT INTO statuses (account_id, local, text, content, visibility)
           VALUES ($1, true, 'post', '<p>post</p>', $2) RETURNING id::text AS id`,
          [authorId, visibility],
        )) as { id: string }[];
        const statusId = row!.id;
        for (const accountId of mentions) {
          await m.query(`INSERT INTO mentions (status_id, account_id) VALUES ($1, $2)`, [
            statusId,
            accountId,
          ]);
        }
        await social.statuses.created(m, {
          statusId,
          accountId: authorId,
          inReplyToId: null,
          reblogOfId: null,
        });
        return statusId;
      }),
    reblog: async (accountId, originalId) => {
      const [original] = (await db.query(
        `SELECT account_id::text AS "accountId" FROM statuses WHERE id = $1`,
        [originalId],
      )) as { accountId: string }[];
      const id = await social.transaction((m) =>
        social.reblogs.add(m, {
          accountId,
          original: { id: originalId, accountId: original!.accountId },
          local: true,
          visibility: 'public',
        }),
      );
      if (!id) throw new Error(`${accountId} already reblogged ${originalId}`);
      return id;
    },
    follow: async (followerId, targetId) => {
      await social.transaction((m) => social.follows.start(m, followerId, targetId));
    },
    unfollow: async (followerId, targetId) => {
      await social.transaction((m) => social.follows.end(m, followerId, targetId));
    },
    remove: async (statusId) => {
      await social.transaction((m) => social.statuses.delete(m, statusId));
    },
    feedIds: async (memberId) => {
      const read = await store.read(memberId, { limit: 100_000, ascending: false });
      return read.state === 'present' ? read.ids : [];
    },
    sqlPage: (memberId, page) => reader.sqlIds(memberId, page),
    close: async () => {
      redis.disconnect();
      await release();
    },
  };
}
