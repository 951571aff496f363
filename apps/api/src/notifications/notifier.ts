import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export type NotificationType = 'follow' | 'follow_request' | 'mention' | 'favourite' | 'reblog';

export interface NotificationEvent {
  /** The account notified. */
  accountId: string;
  /** The account whose action caused it. */
  fromAccountId: string;
  type: NotificationType;
  statusId?: string;
}

/**
 * Records notifications inside the caller's transaction, so an action and its notification
 * commit together. Members never notify themselves; remote recipients are told by federation;
 * the same event twice (a retried request) yields one notification.
 */
@Injectable()
export class Notifier {
  async notify(manager: EntityManager, event: NotificationEvent): Promise<void> {
    if (event.accountId === event.fromAccountId) return;
    await manager.query(
      `INSERT INTO notifications (account_id, from_account_id, type, status_id)
       SELECT $1, $2, $3, $4 FROM accounts WHERE id = $1 AND domain IS NULL
       ON CONFLICT DO NOTHING`,
      [event.accountId, event.fromAccountId, event.type, event.statusId ?? null],
    );
  }

  /** Undoing an action (unfavourite, unfollow) withdraws its notification. */
  async withdraw(manager: EntityManager, event: NotificationEvent): Promise<void> {
    await manager.query(
      `DELETE FROM notifications
        WHERE account_id = $1 AND from_account_id = $2 AND type = $3
          AND coalesce(status_id, 0) = coalesce($4::bigint, 0)`,
      [event.accountId, event.fromAccountId, event.type, event.statusId ?? null],
    );
  }
}
