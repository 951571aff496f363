import type { Redis } from 'ioredis';

/** Mastodon's FeedManager::MAX_ITEMS: a feed keeps this many newest ids. */
export const HOME_FEED_MAX_ITEMS = 800;
/** Feeds not read for this long expire (Mastodon regenerates feeds of members away a week). */
export const HOME_FEED_TTL_SECONDS = 7 * 24 * 3600;
const REBUILD_LOCK_SECONDS = 60;

/**
 * Status ids are 64-bit snowflakes (milliseconds << 16), far beyond 2^53: as sorted-set scores
 * (doubles) neighbours would collide. So every member has score 0 and is the id zero-padded to 19
 * digits, and the set is ordered lexicographically, which for equal-width digits is numeric order.
 */
const WIDTH = 19;
/** The lowest member: present while the feed holds its member's whole home, none of it trimmed. */
const COMPLETE = '0'.repeat(WIDTH);

const pad = (id: string) => id.padStart(WIDTH, '0');
const unpad = (member: string) => member.replace(/^0+(?=\d)/, '');

/** One member's feed change: ids to remove, then ids to add (added only above the feed's tail). */
export interface FeedChange {
  memberId: string;
  remove: readonly string[];
  add: readonly string[];
}

/** A range of a feed, as the Mastodon pagination parameters give it (bounds exclusive). */
export interface FeedRange {
  maxId?: string;
  /** `min_id` or `since_id`. */
  lowerId?: string;
  limit: number;
  /** `min_id` pages upwards from its bound (oldest first). */
  ascending: boolean;
}

export type FeedRead =
  | { state: 'missing' }
  | {
      state: 'present';
      /** Newest first (oldest first when ascending). */
      ids: string[];
      /**
       * Entries below this id may be missing from the feed (it was trimmed); undefined when the
       * feed holds its member's whole home.
       */
      floorId: string | undefined;
    };

/*
 * Changes apply to feeds that exist. A missing feed stays missing (the next read rebuilds it from
 * PostgreSQL) unless it is being rebuilt: then additions go in and the rebuild merges with them.
 * An addition below the tail of a trimmed feed is dropped, so that the feed is always exactly
 * the home timeline from its newest entry down to its lowest.
 *
 * One call changes many feeds (KEYS: feed, lock, feed, lock…; ARGV: cap, then per feed its
 * removal and addition counts and ids): a fan-out to 10,000 followers is 10 commands, not
 * 10,000, which is what keeps it under a second (docs/benchmarks.md, home-feed fan-out).
 */
const APPLY_SCRIPT = `
local cap = tonumber(ARGV[1])
local applied = 0
local a = 2
for k = 1, #KEYS, 2 do
  local feed = KEYS[k]
  local removals = tonumber(ARGV[a])
  local additions = tonumber(ARGV[a + 1])
  a = a + 2
  if redis.call('EXISTS', feed) == 1 or redis.call('EXISTS', KEYS[k + 1]) == 1 then
    applied = applied + 1
    for i = a, a + removals - 1 do redis.call('ZREM', feed, ARGV[i]) end
    local lowest = redis.call('ZRANGE', feed, 0, 0)[1]
    for i = a + removals, a + removals + additions - 1 do
      if lowest == nil or lowest == '${COMPLETE}' or ARGV[i] > lowest then
        redis.call('ZADD', feed, 0, ARGV[i])
      end
    end
    redis.call('ZREMRANGEBYRANK', feed, 0, -(cap + 1))
  end
  a = a + removals + additions
end
return applied`;

/** A rebuild's result, merged with what arrived meanwhile; the lock is released. */
const REBUILD_SCRIPT = `
-- The lock is gone when the feed was dropped (or the lock expired) while this rebuild ran: its
-- rows may predate that change, so nothing is written and the next read rebuilds again.
if redis.call('EXISTS', KEYS[2]) == 0 then return 0 end
local cap = tonumber(ARGV[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], 0, ARGV[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(cap + 1))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
redis.call('DEL', KEYS[2])
return 1`;

interface FeedCommands {
  /** `keys` is the number of keys that follow (two per feed). */
  applyFeedChanges(keys: number, ...args: (string | number)[]): Promise<number>;
  writeRebuiltFeed(feed: string, lock: string, ...args: (string | number)[]): Promise<number>;
}
type FeedRedis = Redis & FeedCommands;

/**
 * Feeds one script call changes. A script holds Redis for its whole run: 10,000 feeds in 40
 * calls took 65–300 ms in all on the shared bench machine, so one call holds it a few ms at most.
 */
const FEEDS_PER_CALL = 250;
/** Arguments of one call, whatever the feeds: a spread call's arguments live on the stack. */
const MAX_ARGS_PER_CALL = 20_000;

/**
 * The Redis side of home feeds: one sorted set of status ids per local member, `home:<id>`.
 * Commands fail fast when Redis is down (the `command` connection); callers decide what that means.
 */
export class HomeFeedStore {
  private readonly redis: FeedRedis;

  constructor(
    redis: Redis,
    private readonly maxItems = HOME_FEED_MAX_ITEMS,
  ) {
    if (!('applyFeedChanges' in redis)) {
      // No fixed numberOfKeys: each call passes its key count first (the prefix still applies).
      redis.defineCommand('applyFeedChanges', { lua: APPLY_SCRIPT });
      redis.defineCommand('writeRebuiltFeed', { numberOfKeys: 2, lua: REBUILD_SCRIPT });
    }
    this.redis = redis as FeedRedis;
  }

  /** Applies the changes, many feeds per call; returns how many of the feeds existed. */
  async apply(changes: readonly FeedChange[]): Promise<number> {
    // Sent back to back (one pipeline on the socket), awaited together.
    const calls: Promise<number>[] = [];
    let keys: string[] = [];
    let args: (string | number)[] = [];
    const flush = () => {
      if (keys.length === 0) return;
      calls.push(this.redis.applyFeedChanges(keys.length, ...keys, this.maxItems, ...args));
      keys = [];
      args = [];
    };
    for (const change of changes) {
      if (change.remove.length === 0 && change.add.length === 0) continue;
      keys.push(feedKey(change.memberId), lockKey(change.memberId));
      args.push(change.remove.length, change.add.length);
      for (const id of change.remove) args.push(pad(id));
      for (const id of change.add) args.push(pad(id));
      if (keys.length >= 2 * FEEDS_PER_CALL || args.length >= MAX_ARGS_PER_CALL) flush();
    }
    flush();
    return (await Promise.all(calls)).reduce((sum, applied) => sum + applied, 0);
  }

  /** A page of ids, refreshing the feed's expiry (read feeds stay; feeds of the absent expire). */
  async read(memberId: string, range: FeedRange): Promise<FeedRead> {
    const key = feedKey(memberId);
    const upper = range.maxId ? `(${pad(range.maxId)}` : '+';
    const lower = `(${pad(range.lowerId ?? '0')}`;
    const transaction = this.redis.multi();
    if (range.ascending) transaction.zrange(key, lower, upper, 'BYLEX', 'LIMIT', 0, range.limit);
    else transaction.zrange(key, upper, lower, 'BYLEX', 'REV', 'LIMIT', 0, range.limit);
    const results = await transaction.zrange(key, 0, '0').expire(key, HOME_FEED_TTL_SECONDS).exec();
    if (!results) throw new Error('home feed read aborted');
    for (const [error] of results) if (error) throw error;
    const [ids, lowest] = results.map(([, value]) => value) as [string[], string[]];
    if (lowest.length === 0) return { state: 'missing' };
    const floor = lowest[0];
    return {
      state: 'present',
      ids: ids.map(unpad),
      floorId: floor === COMPLETE || floor === undefined ? undefined : unpad(floor),
    };
  }

  /** Claims the rebuild of a missing feed; false while another process is rebuilding it. */
  async claimRebuild(memberId: string): Promise<boolean> {
    return (
      (await this.redis.set(lockKey(memberId), '1', 'EX', REBUILD_LOCK_SECONDS, 'NX')) === 'OK'
    );
  }

  /**
   * Stores a rebuilt feed: `ids`, the newest of the home timeline down to the lowest of them, and
   * with `complete` all of it.
   */
  async writeRebuilt(memberId: string, ids: readonly string[], complete: boolean): Promise<void> {
    const members = ids.map(pad);
    if (complete) members.push(COMPLETE);
    await this.redis.writeRebuiltFeed(
      feedKey(memberId),
      lockKey(memberId),
      this.maxItems,
      HOME_FEED_TTL_SECONDS,
      ...members,
    );
  }

  /**
   * Drops a feed, e.g. when it may be wrong; the next read rebuilds it. A rebuild already under
   * way loses its lock, so it cannot write back what it read before the change.
   */
  async drop(memberId: string): Promise<void> {
    await this.redis.del(feedKey(memberId), lockKey(memberId));
  }
}

function feedKey(memberId: string): string {
  return `home:${memberId}`;
}

function lockKey(memberId: string): string {
  return `home:${memberId}:rebuild`;
}
