import { proxyInFront, waitFor, type TcpProxy } from '@fediflow/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HOME_FEED_TTL_SECONDS } from './home-feed.store';
import { homeFeedsWorld, type HomeFeedsWorld } from './home-feeds-world.testing';

describe('home feeds against PostgreSQL and Redis', () => {
  let world: HomeFeedsWorld;
  beforeAll(async () => {
    world = await homeFeedsWorld('home-feeds');
  });
  afterAll(async () => {
    await world.close();
  });

  /** A local member whose feed exists (fan-out only writes feeds that exist). */
  const member = async (name: string) => {
    const id = await world.member(name);
    expect(await world.reader.rebuild(id)).toBe(true);
    return id;
  };
  const sqlAll = (memberId: string) => world.sqlPage(memberId, { limit: 1_000 });

  it('delivers by visibility: followers get public, unlisted, private; direct only the mentioned', async () => {
    const alice = await member('alice');
    const bob = await member('bob');
    const carol = await member('carol'); // mentioned by bob, but does not follow him
    const dave = await member('dave'); // follows bob, not mentioned
    await world.follow(alice, bob);
    await world.follow(dave, bob);
    const open = await world.post(bob, { visibility: 'public' });
    const unlisted = await world.post(bob, { visibility: 'unlisted' });
    const followers = await world.post(bob, { visibility: 'private' });
    const toAlice = await world.post(bob, { visibility: 'direct', mentions: [alice] });
    const toCarol = await world.post(bob, { visibility: 'direct', mentions: [carol] });

    expect(await world.feedIds(alice)).toEqual([toAlice, followers, unlisted, open]);
    expect(await world.feedIds(dave)).toEqual([followers, unlisted, open]);
    expect(await world.feedIds(carol)).toEqual([]);
    expect(await world.feedIds(bob)).toEqual([toCarol, toAlice, followers, unlisted, open]);
    for (const id of [alice, bob, carol, dave]) {
      expect(await world.feedIds(id)).toEqual(await sqlAll(id));
    }
  });

  it('shows an original once: later reblogs of it are not added; the next takes a deleted one’s place', async () => {
    const reader = await member('reader');
    const bob = await world.member('bob');
    const carol = await world.member('carol');
    const dave = await world.member('dave');
    const stranger = await world.member('stranger');
    for (const id of [bob, carol, dave]) await world.follow(reader, id);
    const original = await world.post(stranger);
    const byBob = await world.reblog(bob, original);
    const byCarol = await world.reblog(carol, original);
    expect(await world.feedIds(reader)).toEqual([byBob]);

    await world.remove(byBob); // unreblog
    expect(await world.feedIds(reader)).toEqual([byCarol]);

    // A reblog of a post already in the feed adds nothing.
    const own = await world.post(dave);
    await world.reblog(carol, own);
    expect((await world.feedIds(reader)).slice(0, 2)).toEqual([own, byCarol]);
    expect(await world.feedIds(reader)).toEqual(await sqlAll(reader));
  });

  it('unfollow removes the account’s entries, and brings back what its reblogs hid', async () => {
    const reader = await member('unfollower');
    const bob = await world.member('bob');
    const carol = await world.member('carol');
    const stranger = await world.member('stranger');
    await world.follow(reader, bob);
    await world.follow(reader, carol);
    const bobPost = await world.post(bob);
    const original = await world.post(stranger);
    const byBob = await world.reblog(bob, original);
    const byCarol = await world.reblog(carol, original);
    const carolPost = await world.post(carol);
    expect(await world.feedIds(reader)).toEqual([carolPost, byBob, bobPost]);

    await world.unfollow(reader, bob);
    expect(await world.feedIds(reader)).toEqual([carolPost, byCarol]);
    // Following again merges the account's recent statuses back (Mastodon's merge into home).
    await world.follow(reader, bob);
    expect(await world.feedIds(reader)).toEqual([carolPost, byBob, bobPost]);
  });

  it('a deleted status leaves every feed that had it', async () => {
    const author = await member('author');
    const followers = await Promise.all(['f1', 'f2', 'f3'].map((name) => member(name)));
    for (const id of followers) await world.follow(id, author);
    const kept = await world.post(author);
    const deleted = await world.post(author);
    for (const id of [author, ...followers]) {
      expect(await world.feedIds(id)).toEqual([deleted, kept]);
    }
    await world.remove(deleted);
    for (const id of [author, ...followers]) expect(await world.feedIds(id)).toEqual([kept]);
  });

  it('applies a change to hundreds of feeds at once (several script calls): each its own ids, missing feeds left missing', async () => {
    const members = Array.from({ length: 600 }, (_, i) => String(8_000_000_000 + i));
    const existing = members.filter((_, i) => i % 10 !== 0);
    for (const id of existing) {
      expect(await world.store.claimRebuild(id)).toBe(true);
      await world.store.writeRebuilt(id, [], true);
    }
    const [a, b, c] = ['7000000000000000001', '7000000000000000002', '7000000000000000003'];
    const added = await world.store.apply(
      members.map((memberId) => ({ memberId, remove: [], add: [a, b] })),
    );
    expect(added).toBe(existing.length);
    // Removals and additions of different lengths per feed, and feeds with no change at all.
    const odd = (id: string) => Number(id) % 2 === 1;
    const changed = await world.store.apply(
      members.map((memberId) =>
        odd(memberId) ? { memberId, remove: [a], add: [c] } : { memberId, remove: [], add: [] },
      ),
    );
    expect(changed).toBe(existing.filter(odd).length);
    for (const id of members) {
      const expected = !existing.includes(id) ? [] : odd(id) ? [c, b] : [b, a];
      expect(await world.feedIds(id)).toEqual(expected);
    }
    expect((await world.store.read('8000000000', { limit: 20, ascending: false })).state).toBe(
      'missing',
    );
  });

  it('a missing feed is served from SQL and rebuilt once; the next read comes from the feed', async () => {
    const author = await world.member('prolific');
    const posts = [];
    for (let i = 0; i < 5; i++) posts.push(await world.post(author));
    const newcomer = await world.member('newcomer'); // no feed yet
    await world.follow(newcomer, author); // fan-out skips a feed that does not exist
    expect(await world.feedIds(newcomer)).toEqual([]);

    const first = await world.reader.pageIds(newcomer, { limit: 3 });
    expect(first).toEqual({ ids: posts.slice(2).reverse(), source: 'sql' });
    await waitFor('the rebuilt feed', async () =>
      (await world.feedIds(newcomer)).length === 5 ? true : undefined,
    );
    expect(await world.redis.ttl(`home:${newcomer}`)).toBeGreaterThan(HOME_FEED_TTL_SECONDS - 60);
    const second = await world.reader.pageIds(newcomer, { limit: 3 });
    expect(second).toEqual({ ids: posts.slice(2).reverse(), source: 'feed' });

    // One rebuild at a time: a second claim while the first holds the lock is refused.
    const other = await world.member('other');
    expect(await world.store.claimRebuild(other)).toBe(true);
    expect(await world.store.claimRebuild(other)).toBe(false);
  });

  it('reads refresh the feed’s expiry', async () => {
    const id = await member('reader-ttl');
    await world.redis.expire(`home:${id}`, 100);
    await world.reader.pageIds(id, { limit: 20 });
    expect(await world.redis.ttl(`home:${id}`)).toBeGreaterThan(HOME_FEED_TTL_SECONDS - 60);
  });
});

describe('a capped home feed', () => {
  let world: HomeFeedsWorld;
  let reader: string;
  let author: string;
  const posts: string[] = []; // oldest first
  beforeAll(async () => {
    world = await homeFeedsWorld('home-feeds-cap', { maxItems: 5 });
    reader = await world.member('reader');
    await world.reader.rebuild(reader);
    author = await world.member('author');
    await world.follow(reader, author);
    for (let i = 0; i < 9; i++) posts.push(await world.post(author));
  });
  afterAll(async () => {
    await world.close();
  });
  const newest = (n: number, below = posts.length) => posts.slice(0, below).slice(-n).reverse();

  it('keeps only the newest ids', async () => {
    expect(await world.feedIds(reader)).toEqual(newest(5));
    const rebuilt = await world.member('rebuilt');
    await world.follow(rebuilt, author);
    await world.reader.rebuild(rebuilt);
    expect(await world.feedIds(rebuilt)).toEqual(newest(5));
  });

  it('serves pages within the feed from it, and past its tail from SQL', async () => {
    expect(await world.reader.pageIds(reader, { limit: 3 })).toEqual({
      ids: newest(3),
      source: 'feed',
    });
    expect(await world.reader.pageIds(reader, { limit: 7 })).toEqual({
      ids: newest(7),
      source: 'feed+sql',
    });
    expect(await world.reader.pageIds(reader, { limit: 3, maxId: posts[3] })).toEqual({
      ids: newest(3, 3),
      source: 'sql',
    });
    // min_id below the tail: the oldest entries after it live only in PostgreSQL.
    expect(await world.reader.pageIds(reader, { limit: 2, minId: posts[1] })).toEqual({
      ids: [posts[3], posts[2]],
      source: 'sql',
    });
    // min_id within the feed.
    expect(await world.reader.pageIds(reader, { limit: 2, minId: posts[5] })).toEqual({
      ids: [posts[7], posts[6]],
      source: 'feed',
    });
    expect(await world.reader.pageIds(reader, { limit: 20, sinceId: posts[6] })).toEqual({
      ids: [posts[8], posts[7]],
      source: 'feed',
    });
  });
});

describe('home feeds when Redis is lost', () => {
  let world: HomeFeedsWorld;
  let proxy: TcpProxy;
  beforeAll(async () => {
    let redisUrl: string;
    ({ proxy, url: redisUrl } = await proxyInFront(inject('testServers').redisUrl));
    world = await homeFeedsWorld('home-feeds-redis-lost', { redisUrl });
  });
  afterAll(async () => {
    proxy.resume();
    await world.close();
    await proxy.close();
  });

  it('serves the home from SQL (never an error), and fan-out fails for its job to be retried', async () => {
    const reader = await world.member('reader');
    await world.reader.rebuild(reader);
    const author = await world.member('author');
    await world.follow(reader, author);
    const before = await world.post(author);
    proxy.cut();
    const page = await world.reader.pageIds(reader, { limit: 20 });
    expect(page).toEqual({ ids: [before], source: 'sql' });
    await expect(
      world.fanout.statusCreated({ statusId: before, accountId: author }),
    ).rejects.toThrow();
    proxy.resume();
    await waitFor('Redis back', async () => (world.redis.status === 'ready' ? true : undefined));
    expect(await world.reader.pageIds(reader, { limit: 20 })).toEqual({
      ids: [before],
      source: 'feed',
    });
  });
});
