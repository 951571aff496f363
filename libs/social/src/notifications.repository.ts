import { affectedCount, modifiedRows } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { Queryable } from './queryable';
import { hiddenAccount } from './viewer-filters';

/** The notification types this instance records (the `notifications.type` check constraint). */
export type NotificationType = 'follow' | 'follow_request' | 'mention' | 'favourite' | 'reblog';

export interface NotificationEvent {
  /** The account notified. */
  accountId: string;
  /** The account whose action caused it. */
  fromAccountId: string;
  type: NotificationType;
  statusId?: string | null;
}

/**
 * Notifications, recorded inside the caller's transaction so an action and its notification
 * commit together. Members never notify themselves; remote recipients are told by federation;
 * nothing is recorded from an account the recipient has hidden (blocked either way, muted with
 * its notifications, or of a domain they block: Mastodon's NotifyService), so no stream, marker or
 * e-mail digest ever carries it;
 * the same event twice (a retried request, a redelivered activity) yields one notification
 * (the `notifications_event_key` unique index).
 */
export class NotificationsRepository {
  constructor(private readonly announcements: Announcements) {}

  /** Records it and, once the transaction commits, announces `notificationCreated`. */
  async notify(db: Queryable, event: NotificationEvent): Promise<void> {
    if (event.accountId === event.fromAccountId) return;
    const [created] = modifiedRows<{ id: string }>(
      await db.query(
        `INSERT INTO notifications (account_id, from_account_id, type, status_id)
         SELECT $1, $2, $3, $4 FROM accounts
          WHERE id = $1 AND domain IS NULL
            AND NOT ${hiddenAccount('$2::bigint', { mutes: 'notifications' }, '$1::bigint')}
         ON CONFLICT DO NOTHING RETURNING id::text AS id`,
        [event.accountId, event.fromAccountId, event.type, event.statusId ?? null],
      ),
    );
    if (!created) return;
    await this.announcements.announce(db, 'notificationCreated', {
      notificationId: created.id,
      accountId: event.accountId,
    });
  }

  /** Undoing an action (unfavourite, unfollow, a withdrawn request) withdraws its notification. */
  async withdraw(db: Queryable, event: NotificationEvent): Promise<void> {
    await db.query(
      `DELETE FROM notifications
        WHERE account_id = $1 AND from_account_id = $2 AND type = $3
          AND coalesce(status_id, 0) = coalesce($4::bigint, 0)`,
      [event.accountId, event.fromAccountId, event.type, event.statusId ?? null],
    );
  }

  /** The member dismisses one of their notifications; false when they have none by that id. */
  async dismiss(db: Queryable, accountId: string, notificationId: string): Promise<boolean> {
    const removed = affectedCount(
      await db.query(`DELETE FROM notifications WHERE account_id = $1 AND id = $2`, [
        accountId,
        notificationId,
      ]),
    );
    return removed > 0;
  }

  async dismissAll(db: Queryable, accountId: string): Promise<void> {
    await db.query(`DELETE FROM notifications WHERE account_id = $1`, [accountId]);
  }
}
