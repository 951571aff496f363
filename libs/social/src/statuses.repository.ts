import { modifiedRows } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { NotificationsRepository } from './notifications.repository';
import type { Queryable } from './queryable';
import type { StatusCreated, StatusDeleted, StatusUpdated } from './social-events';

interface DeletedStatus {
  id: string;
  account_id: string;
  in_reply_to_id: string | null;
  reblog_of_id: string | null;
  reblog_of_account_id: string | null;
}

/**
 * The counters a status moves: its author's statuses_count (and last_status_at), its parent's
 * replies_count, and, for a reblog, the original's reblogs_count. Decrements stop at zero. The
 * callers store the row itself (local and remote posts are written differently); this counts and
 * announces it, and deletes statuses with everything they counted.
 */
export class StatusesRepository {
  constructor(
    private readonly notifications: NotificationsRepository,
    private readonly announcements: Announcements,
  ) {}

  /** Counts a status just stored, once (call it only when the INSERT created the row). */
  async created(db: Queryable, status: StatusCreated): Promise<void> {
    await db.query(
      `UPDATE accounts SET statuses_count = statuses_count + 1,
              last_status_at = greatest(last_status_at, now()) WHERE id = $1`,
      [status.accountId],
    );
    if (status.inReplyToId) await this.addReplies(db, status.inReplyToId, 1);
    if (status.reblogOfId) {
      await db.query(`UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = $1`, [
        status.reblogOfId,
      ]);
    }
    await this.announcements.announce(db, 'statusCreated', status);
  }

  /** Announces an edit of a stored status (its row is updated by the caller, as on create). */
  async updated(db: Queryable, status: StatusUpdated): Promise<void> {
    await this.announcements.announce(db, 'statusUpdated', status);
  }

  /**
   * An edit of a stored status (a member's PUT, a remote Update(Note)), kept in its history as
   * Mastodon's StatusEdit: `apply` changes the row (and sets `edited_at`); the revision it leaves
   * is recorded after it. The first edit also records the original, dated as the status.
   */
  async edited(db: Queryable, statusId: string, apply: () => Promise<void>): Promise<void> {
    await db.query(
      `INSERT INTO status_edits (status_id, account_id, content, spoiler_text, sensitive, created_at)
       SELECT s.id, s.account_id, s.content, s.spoiler_text, s.sensitive, s.created_at
         FROM statuses s
        WHERE s.id = $1 AND NOT EXISTS (SELECT 1 FROM status_edits e WHERE e.status_id = s.id)`,
      [statusId],
    );
    await apply();
    await db.query(
      `INSERT INTO status_edits (status_id, account_id, content, spoiler_text, sensitive, created_at)
       SELECT id, account_id, content, spoiler_text, sensitive, coalesce(edited_at, now())
         FROM statuses WHERE id = $1`,
      [statusId],
    );
  }

  /** Replies stored before their parent arrived, threaded to it now. */
  async addReplies(db: Queryable, statusId: string, count: number): Promise<void> {
    await db.query(`UPDATE statuses SET replies_count = replies_count + $2 WHERE id = $1`, [
      statusId,
      count,
    ]);
  }

  /**
   * Deletes a status and the reblogs of it, uncounting both (a deleted reblog also takes back
   * its reblog notification). Returns false when it was already gone.
   */
  async delete(db: Queryable, statusId: string): Promise<boolean> {
    const reblogs = modifiedRows<{ id: string; account_id: string }>(
      await db.query(
        `DELETE FROM statuses WHERE reblog_of_id = $1
         RETURNING id::text AS id, account_id::text AS account_id`,
        [statusId],
      ),
    );
    for (const reblog of reblogs) {
      await this.uncountAuthor(db, reblog.account_id);
      await this.announceDeleted(db, {
        statusId: reblog.id,
        accountId: reblog.account_id,
        reblogOfId: statusId,
      });
    }
    const [removed] = modifiedRows<DeletedStatus>(
      await db.query(
        `DELETE FROM statuses s WHERE s.id = $1
         RETURNING s.id::text AS id, s.account_id::text AS account_id,
                   s.in_reply_to_id::text AS in_reply_to_id, s.reblog_of_id::text AS reblog_of_id,
                   (SELECT o.account_id::text FROM statuses o WHERE o.id = s.reblog_of_id)
                     AS reblog_of_account_id`,
        [statusId],
      ),
    );
    if (!removed) return false;
    await this.uncountAuthor(db, removed.account_id);
    if (removed.in_reply_to_id) {
      await db.query(
        `UPDATE statuses SET replies_count = greatest(replies_count - 1, 0) WHERE id = $1`,
        [removed.in_reply_to_id],
      );
    }
    if (removed.reblog_of_id) {
      await db.query(
        `UPDATE statuses SET reblogs_count = greatest(reblogs_count - 1, 0) WHERE id = $1`,
        [removed.reblog_of_id],
      );
      if (removed.reblog_of_account_id) {
        await this.notifications.withdraw(db, {
          accountId: removed.reblog_of_account_id,
          fromAccountId: removed.account_id,
          type: 'reblog',
          statusId: removed.reblog_of_id,
        });
      }
    }
    await this.announceDeleted(db, {
      statusId: removed.id,
      accountId: removed.account_id,
      reblogOfId: removed.reblog_of_id,
    });
    return true;
  }

  /**
   * Before an account is deleted (its statuses, favourites and reblogs go by cascade): what it
   * counted on others' statuses and accounts is taken back, and its statuses, with others'
   * reblogs of them, are announced as deleted.
   */
  async deleteAllOf(db: Queryable, accountId: string): Promise<void> {
    // Its favourites and reblogs of others' statuses.
    await db.query(
      `UPDATE statuses s SET favourites_count = greatest(s.favourites_count - n, 0)
         FROM (SELECT status_id, count(*)::int AS n FROM favourites WHERE account_id = $1
                GROUP BY status_id) f
        WHERE s.id = f.status_id`,
      [accountId],
    );
    await db.query(
      `UPDATE statuses s SET reblogs_count = greatest(s.reblogs_count - 1, 0)
         FROM statuses r WHERE r.account_id = $1 AND r.reblog_of_id = s.id AND s.account_id <> $1`,
      [accountId],
    );
    // Its replies to others' statuses.
    await db.query(
      `UPDATE statuses s SET replies_count = greatest(s.replies_count - n, 0)
         FROM (SELECT in_reply_to_id, count(*)::int AS n FROM statuses
                WHERE account_id = $1 AND in_reply_to_id IS NOT NULL GROUP BY in_reply_to_id) r
        WHERE s.id = r.in_reply_to_id AND s.account_id <> $1`,
      [accountId],
    );
    // Others' reblogs of its statuses go with them: uncount them.
    await db.query(
      `UPDATE accounts a SET statuses_count = greatest(a.statuses_count - n, 0)
         FROM (SELECT r.account_id, count(*)::int AS n FROM statuses r
                 JOIN statuses o ON o.id = r.reblog_of_id
                WHERE o.account_id = $1 AND r.account_id <> $1 GROUP BY r.account_id) b
        WHERE a.id = b.account_id`,
      [accountId],
    );
    const gone = (await db.query(
      `SELECT s.id::text AS "statusId", s.account_id::text AS "accountId",
              s.reblog_of_id::text AS "reblogOfId" FROM statuses s
        WHERE s.account_id = $1
       UNION ALL
       SELECT r.id::text, r.account_id::text, r.reblog_of_id::text FROM statuses r
         JOIN statuses o ON o.id = r.reblog_of_id
        WHERE o.account_id = $1 AND r.account_id <> $1`,
      [accountId],
    )) as StatusDeleted[];
    for (const status of gone) await this.announcements.announce(db, 'statusDeleted', status);
  }

  private async uncountAuthor(db: Queryable, accountId: string): Promise<void> {
    await db.query(
      `UPDATE accounts SET statuses_count = greatest(statuses_count - 1, 0) WHERE id = $1`,
      [accountId],
    );
  }

  private async announceDeleted(db: Queryable, status: StatusDeleted) {
    await this.announcements.announce(db, 'statusDeleted', status);
  }
}
