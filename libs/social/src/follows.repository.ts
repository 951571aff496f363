import { affectedCount, modifiedRows } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { NotificationEvent, NotificationsRepository } from './notifications.repository';
import type { Queryable } from './queryable';

export interface FollowRow {
  id: string;
  /** False when the pair already existed (a repeated follow, a redelivered activity). */
  created: boolean;
}

/** How accepting a request ended: no such request, a new follow, or one that already was. */
export type FollowAcceptance = 'none' | 'followed' | 'already-following';

/**
 * The follow graph: follows, follow requests, the followers/following counters (never below
 * zero) and the notifications they cause. Every write runs in the caller's transaction.
 */
export class FollowsRepository {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly announcements: Announcements,
  ) {}

  /**
   * The follow itself: counted and notified once per pair. A repeat keeps the row and takes a
   * new `uri` when one is given (a remote Follow's id, so its later Undo by URI finds it).
   */
  async start(
    db: Queryable,
    followerId: string,
    targetId: string,
    uri: string | null = null,
  ): Promise<FollowRow | undefined> {
    const row = await this.upsertPair(db, 'follows', followerId, targetId, uri);
    if (row?.created) {
      await this.moveCounters(db, followerId, targetId, 1);
      await this.notifications.notify(db, {
        accountId: targetId,
        fromAccountId: followerId,
        type: 'follow',
      });
      await this.announcements.announce(db, 'followStarted', { followerId, targetId });
    }
    return row;
  }

  /** A request waiting for approval (a locked or remote account); its target is notified once. */
  async request(
    db: Queryable,
    followerId: string,
    targetId: string,
    uri: string | null = null,
  ): Promise<FollowRow | undefined> {
    const row = await this.upsertPair(db, 'follow_requests', followerId, targetId, uri);
    if (row?.created)
      await this.notifications.notify(db, requestNotification(followerId, targetId));
    return row;
  }

  async isFollowing(db: Queryable, followerId: string, targetId: string): Promise<boolean> {
    const rows = (await db.query(
      `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
      [followerId, targetId],
    )) as unknown[];
    return rows.length > 0;
  }

  /** Names a request by the id of the Follow activity sent for it. */
  async setRequestUri(db: Queryable, requestId: string, uri: string): Promise<void> {
    await db.query(`UPDATE follow_requests SET uri = $2 WHERE id = $1`, [requestId, uri]);
  }

  /** The target approves a pending request: it becomes a follow carrying the request's URI. */
  async accept(db: Queryable, followerId: string, targetId: string): Promise<FollowAcceptance> {
    const [request] = modifiedRows<{ uri: string | null }>(
      await db.query(
        `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2 RETURNING uri`,
        [followerId, targetId],
      ),
    );
    if (!request) return 'none';
    await this.notifications.withdraw(db, requestNotification(followerId, targetId));
    const follow = await this.start(db, followerId, targetId, request.uri);
    return follow?.created ? 'followed' : 'already-following';
  }

  /** The target turns a pending request down; false when there was none. */
  async reject(db: Queryable, followerId: string, targetId: string): Promise<boolean> {
    const removed = affectedCount(
      await db.query(
        `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
        [followerId, targetId],
      ),
    );
    if (removed > 0)
      await this.notifications.withdraw(db, requestNotification(followerId, targetId));
    return removed > 0;
  }

  /**
   * Ends a follow and any pending request of `followerId` for `targetId` (unfollow, Undo(Follow),
   * Reject, a Move): the rows, the counters and the notifications they caused. Returns whether
   * there was anything to end.
   */
  async end(db: Queryable, followerId: string, targetId: string): Promise<boolean> {
    const requested = await this.reject(db, followerId, targetId);
    const removed = affectedCount(
      await db.query(`DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
        followerId,
        targetId,
      ]),
    );
    if (removed > 0) {
      await this.moveCounters(db, followerId, targetId, -1);
      await this.notifications.withdraw(db, {
        accountId: targetId,
        fromAccountId: followerId,
        type: 'follow',
      });
      await this.announcements.announce(db, 'followEnded', { followerId, targetId });
    }
    return requested || removed > 0;
  }

  /**
   * Before an account is deleted (its follows go by cascade): whom it followed lose a follower,
   * who followed it lose a followee, and each of those follows is announced as ended.
   */
  async endAllOf(db: Queryable, accountId: string): Promise<void> {
    const follows = (await db.query(
      `SELECT account_id::text AS "followerId", target_account_id::text AS "targetId" FROM follows
        WHERE account_id = $1 OR target_account_id = $1`,
      [accountId],
    )) as { followerId: string; targetId: string }[];
    await db.query(
      `UPDATE accounts a SET followers_count = greatest(a.followers_count - 1, 0)
         FROM follows f WHERE f.account_id = $1 AND a.id = f.target_account_id`,
      [accountId],
    );
    await db.query(
      `UPDATE accounts a SET following_count = greatest(a.following_count - 1, 0)
         FROM follows f WHERE f.target_account_id = $1 AND a.id = f.account_id`,
      [accountId],
    );
    for (const follow of follows) await this.announcements.announce(db, 'followEnded', follow);
  }

  /** The two counters of one follow, moved together and never below zero. */
  async moveCounters(
    db: Queryable,
    followerId: string,
    targetId: string,
    by: 1 | -1,
  ): Promise<void> {
    await db.query(
      `UPDATE accounts SET following_count = greatest(following_count + $2, 0) WHERE id = $1`,
      [followerId, by],
    );
    await db.query(
      `UPDATE accounts SET followers_count = greatest(followers_count + $2, 0) WHERE id = $1`,
      [targetId, by],
    );
  }

  /**
   * One row per pair. A concurrent insert of the same pair (a redelivery handled by another
   * worker) makes this one an update of that row, reported as not created, so nothing counts twice.
   */
  private async upsertPair(
    db: Queryable,
    table: 'follows' | 'follow_requests',
    followerId: string,
    targetId: string,
    uri: string | null,
  ): Promise<FollowRow | undefined> {
    const [row] = (await db.query(
      `INSERT INTO ${table} (account_id, target_account_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, target_account_id) DO UPDATE SET uri = coalesce(EXCLUDED.uri, ${table}.uri)
       RETURNING id::text AS id, (xmax = 0) AS created`,
      [followerId, targetId, uri],
    )) as FollowRow[];
    return row;
  }
}

function requestNotification(followerId: string, targetId: string): NotificationEvent {
  return { accountId: targetId, fromAccountId: followerId, type: 'follow_request' };
}
