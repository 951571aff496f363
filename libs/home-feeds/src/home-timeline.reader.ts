import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { HOME_FEED_MAX_ITEMS, type FeedRead, type HomeFeedStore } from './home-feed.store';
import { homeRebuildSql, homeTimelineSql } from './home-timeline.sql';

/** A home page as Mastodon's parameters ask for it (ids exclusive). */
export interface HomePage {
  maxId?: string;
  sinceId?: string;
  minId?: string;
  limit: number;
}

/** Where a page came from: the feed, PostgreSQL, or the feed then PostgreSQL past its tail. */
export type HomePageSource = 'feed' | 'sql' | 'feed+sql';

/**
 * The ids of a home page, newest first: from the member's Redis feed when it covers the page,
 * otherwise (or for the part past the feed's tail) from the SQL definition. A missing feed is
 * rebuilt in the background, once, while its request is served from SQL; Redis errors make the
 * page come from SQL (slower, never wrong).
 */
export class HomeTimelineReader {
  private readonly logger = new Logger(HomeTimelineReader.name);

  constructor(
    private readonly db: DataSource,
    private readonly feeds: HomeFeedStore,
    private readonly maxItems = HOME_FEED_MAX_ITEMS,
  ) {}

  async pageIds(
    memberId: string,
    page: HomePage,
  ): Promise<{ ids: string[]; source: HomePageSource }> {
    const ascending = page.minId !== undefined;
    const lowerId = page.minId ?? page.sinceId;
    let read: FeedRead;
    try {
      read = await this.feeds.read(memberId, {
        maxId: page.maxId,
        lowerId,
        limit: page.limit,
        ascending,
      });
    } catch (error) {
      this.logger.warn(`home feed unreadable, serving from SQL: ${String(error)}`);
      return { ids: await this.sqlIds(memberId, page), source: 'sql' };
    }
    if (read.state === 'missing') {
      void this.rebuild(memberId);
      return { ids: await this.sqlIds(memberId, page), source: 'sql' };
    }
    const ids = ascending ? read.ids.reverse() : read.ids;
    const floor = read.floorId;
    // Every entry of the home at or above the floor is in the feed (all of them without a floor).
    const coveredFrom = (id: string | undefined) =>
      floor === undefined || (id !== undefined && BigInt(id) >= BigInt(floor));
    if (ascending) {
      return coveredFrom(lowerId)
        ? { ids, source: 'feed' }
        : { ids: await this.sqlIds(memberId, page), source: 'sql' };
    }
    if (floor === undefined || ids.length === page.limit || coveredFrom(lowerId)) {
      return { ids, source: 'feed' };
    }
    // The rest of the page lies below the feed's tail.
    const upper =
      page.maxId !== undefined && BigInt(page.maxId) < BigInt(floor) ? page.maxId : floor;
    const rest = await this.sqlIds(memberId, {
      maxId: upper,
      sinceId: page.sinceId,
      limit: page.limit - ids.length,
    });
    return { ids: [...ids, ...rest], source: ids.length > 0 ? 'feed+sql' : 'sql' };
  }

  /** Ids a feed returned that are no longer statuses (a delete that raced a rebuild). */
  forget(memberId: string, ids: readonly string[]): void {
    if (ids.length === 0) return;
    this.feeds.apply([{ memberId, remove: ids, add: [] }]).catch(() => undefined);
  }

  /** Rebuilds a missing feed from PostgreSQL unless another request already does. */
  async rebuild(memberId: string): Promise<boolean> {
    try {
      if (!(await this.feeds.claimRebuild(memberId))) return false;
      const rows = (await this.db.query(homeRebuildSql(this.maxItems), [memberId])) as {
        id: string;
        shown: boolean;
      }[];
      const ids = rows.filter((row) => row.shown).map((row) => row.id);
      await this.feeds.writeRebuilt(memberId, ids, rows.length < this.maxItems);
      return true;
    } catch (error) {
      this.logger.warn(`home feed rebuild failed: ${String(error)}`);
      return false;
    }
  }

  /** A page of the SQL definition, newest first. */
  async sqlIds(memberId: string, page: HomePage): Promise<string[]> {
    const params: unknown[] = [memberId];
    const conditions: string[] = [];
    if (page.maxId !== undefined) conditions.push(`s.id < $${params.push(page.maxId)}`);
    const lowerId = page.minId ?? page.sinceId;
    if (lowerId !== undefined) conditions.push(`s.id > $${params.push(lowerId)}`);
    const ascending = page.minId !== undefined;
    const rows = (await this.db.query(
      homeTimelineSql(conditions.join(' AND ') || 'TRUE', page.limit, ascending),
      params,
    )) as { id: string | number }[];
    const ids = rows.map((row) => String(row.id));
    return ascending ? ids.reverse() : ids;
  }
}
