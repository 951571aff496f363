import type { EntityManager } from 'typeorm';

export type NotificationType = 'follow' | 'follow_request' | 'mention' | 'favourite' | 'reblog';

/** As the API's Notifier: local recipients only, one notification per event. */
export async function notify(
  manager: EntityManager,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
  statusId: string | null = null,
): Promise<void> {
  await manager.query(
    `INSERT INTO notifications (account_id, from_account_id, type, status_id)
     SELECT $1, $2, $3, $4 FROM accounts WHERE id = $1 AND domain IS NULL
     ON CONFLICT DO NOTHING`,
    [accountId, fromAccountId, type, statusId],
  );
}

/** Takes back the notification an event caused, when the event is undone. */
export async function withdraw(
  manager: EntityManager,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
  statusId: string | null = null,
): Promise<void> {
  await manager.query(
    `DELETE FROM notifications
      WHERE account_id = $1 AND from_account_id = $2 AND type = $3
        AND coalesce(status_id, 0) = coalesce($4::bigint, 0)`,
    [accountId, fromAccountId, type, statusId],
  );
}
