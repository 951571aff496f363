import type { DataSource } from 'typeorm';
import { HOME_FEED_MAX_ITEMS, type FeedChange, type HomeFeedStore } from './home-feed.store';
import {
  ACCOUNT_ENTRIES_SQL,
  GROUP_ENTRIES_SQL,
  IS_LOCAL_SQL,
  LOCAL_AUDIENCE_SQL,
} from './home-timeline.sql';

interface GroupEntry {
  member: string;
  original: string;
  id: string;
}

/** Members per group query: keeps each statement's arrays and result bounded. */
const MEMBERS_PER_QUERY = 5_000;

/**
 * Fan-out on write (Mastodon's FanOutOnWriteService and FeedManager): keeps every local member's
 * home feed equal to the SQL definition (`home-timeline.sql.ts`) as statuses and follows change.
 * Who sees what is decided by PostgreSQL with the same predicates the timeline query uses; Redis
 * only stores the outcome. Runs in the workers, after the write has committed.
 */
export class HomeFanout {
  constructor(
    private readonly db: DataSource,
    private readonly feeds: HomeFeedStore,
  ) {}

  /** A new status (post or reblog) reaches its author's and their local followers' feeds. */
  async statusCreated(event: { statusId: string; accountId: string }): Promise<number> {
    const [status] = (await this.db.query(
      `SELECT coalesce(reblog_of_id, id)::text AS original FROM statuses WHERE id = $1`,
      [event.statusId],
    )) as { original: string }[];
    if (!status) return 0; // deleted before it was fanned out
    const members = await this.audience(event.accountId);
    return this.feeds.apply(await this.settle(members, [status.original]));
  }

  /**
   * A deleted status leaves every feed its author's statuses reach; for a reblog, the next entry
   * of its original (the original itself or the oldest other reblog) takes its place.
   */
  async statusDeleted(event: {
    statusId: string;
    accountId: string;
    reblogOfId: string | null;
  }): Promise<number> {
    const members = await this.audience(event.accountId);
    const gone = new Map(members.map((id) => [id, [event.statusId]]));
    const changes = event.reblogOfId
      ? await this.settle(members, [event.reblogOfId], gone)
      : members.map((memberId) => ({ memberId, remove: [event.statusId], add: [] }));
    return this.feeds.apply(changes);
  }

  /** The newly followed account's recent statuses join the follower's feed (Mastodon's merge). */
  async followStarted(event: { followerId: string; targetId: string }): Promise<number> {
    if (!(await this.isLocal(event.followerId))) return 0;
    const entries = await this.accountEntries(event.targetId);
    const originals = [...new Set(entries.map((entry) => entry.original))];
    return this.feeds.apply(await this.settle([event.followerId], originals));
  }

  /** The unfollowed account's statuses leave the follower's feed. */
  followEnded(event: { followerId: string; targetId: string }): Promise<number> {
    return this.removeAccountEntries(event.followerId, event.targetId);
  }

  /**
   * Drops the feeds of `memberIds` (remote ids have none): after a block, mute or domain block,
   * or its end, what a home shows changes across authors and reblogs, so the feed is rebuilt from
   * the SQL definition when next read rather than patched.
   */
  async invalidate(memberIds: readonly string[]): Promise<number> {
    for (const memberId of memberIds) await this.feeds.drop(memberId);
    return memberIds.length;
  }

  /**
   * Takes `accountId`'s statuses out of `memberId`'s feed, and puts back what they were hiding
   * (another reblog of an original it had reblogged). Call it after any change that makes an
   * account's statuses leave a home (unfollow; block, mute, domain block once `reachesHome`
   * excludes them).
   */
  async removeAccountEntries(memberId: string, accountId: string): Promise<number> {
    if (!(await this.isLocal(memberId))) return 0;
    const entries = await this.accountEntries(accountId);
    const originals = [...new Set(entries.map((entry) => entry.original))];
    const gone = new Map([[memberId, entries.map((entry) => entry.id)]]);
    return this.feeds.apply(await this.settle([memberId], originals, gone));
  }

  /**
   * For each member, the feed change that makes the groups of `originals` (an original and its
   * reblogs) show exactly what the SQL definition shows: their oldest entry in that member's
   * home, and nothing else. `gone` are ids to remove besides.
   */
  private async settle(
    members: readonly string[],
    originals: readonly string[],
    gone: ReadonlyMap<string, readonly string[]> = new Map(),
  ): Promise<FeedChange[]> {
    const oldest = new Map<string, Map<string, string>>();
    const others = new Map<string, string[]>();
    for (let start = 0; start < members.length; start += MEMBERS_PER_QUERY) {
      const rows = (await this.db.query(GROUP_ENTRIES_SQL, [
        members.slice(start, start + MEMBERS_PER_QUERY),
        originals,
      ])) as GroupEntry[];
      for (const row of rows) {
        let groups = oldest.get(row.member);
        if (!groups) oldest.set(row.member, (groups = new Map()));
        const current = groups.get(row.original);
        if (current === undefined || BigInt(row.id) < BigInt(current)) {
          groups.set(row.original, row.id);
          if (current !== undefined) pushTo(others, row.member, current);
        } else {
          pushTo(others, row.member, row.id);
        }
      }
    }
    return members.map((memberId) => ({
      memberId,
      remove: [...(gone.get(memberId) ?? []), ...(others.get(memberId) ?? [])],
      add: [...(oldest.get(memberId)?.values() ?? [])],
    }));
  }

  private async audience(accountId: string): Promise<string[]> {
    const rows = (await this.db.query(LOCAL_AUDIENCE_SQL, [accountId])) as { id: string }[];
    return rows.map((row) => row.id);
  }

  private async accountEntries(accountId: string): Promise<{ id: string; original: string }[]> {
    return this.db.query(ACCOUNT_ENTRIES_SQL, [accountId, HOME_FEED_MAX_ITEMS]);
  }

  private async isLocal(accountId: string): Promise<boolean> {
    return ((await this.db.query(IS_LOCAL_SQL, [accountId])) as unknown[]).length > 0;
  }
}

function pushTo(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
