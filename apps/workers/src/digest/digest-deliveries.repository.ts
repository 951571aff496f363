import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { NOTIFICATION_NOT_FILTERED, type NotificationType } from '@fediflow/social';
import type { DigestItem } from './digest.render';

/** A `sending` delivery, locked by the caller's transaction, with what is needed to email it. */
export interface LockedDelivery {
  id: string;
  userId: string;
  accountId: string;
  email: string;
  unsubscribeToken: string;
  digestEnabled: boolean;
  firstNotificationId: string;
  lastNotificationId: string;
  messageId: string;
  attempts: number;
}

interface NotificationRow {
  type: NotificationType;
  username: string;
  domain: string | null;
  display_name: string;
  status_text: string | null;
  status_content: string | null;
  spoiler_text: string | null;
  total: string;
}

/** SQL of the email digest: the users due one, their notifications, and `digest_deliveries`. */
@Injectable()
export class DigestDeliveries {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Deliveries still `sending` although created more than `leaseMs` ago, after `afterId`. */
  async stalled(leaseMs: number, afterId: string, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM digest_deliveries
        WHERE status = 'sending' AND created_at < now() - make_interval(secs => $1) AND id > $2
        ORDER BY id LIMIT $3`,
      [leaseMs / 1000, afterId, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * Opted-in users (after `afterId`) with notifications past their cursor that are older than
   * `settleMs` and no delivery still pending. A user found here may be taken by another run
   * before `open` locks them; `open` checks again.
   */
  async due(settleMs: number, afterId: string, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT u.id FROM users u
        WHERE u.digest_enabled AND u.id > $2
          AND EXISTS (SELECT 1 FROM notifications n
                       WHERE n.account_id = u.account_id AND n.id > u.digest_cursor
                         AND n.id < ${settledBelow('$1')})
          AND NOT EXISTS (SELECT 1 FROM digest_deliveries d
                           WHERE d.user_id = u.id AND d.status = 'sending')
        ORDER BY u.id LIMIT $3`,
      [settleMs, afterId, limit],
    );
    return rows.map((row) => row.id);
  }

  /**
   * In one transaction: locks the user (skipping one another run holds), records a `sending`
   * delivery for their settled notifications past the cursor and moves the cursor past them.
   * Once this commits those notifications belong to the delivery: it is retried until sent, and
   * no later digest includes them again. Returns the delivery id, or undefined if there is none.
   */
  async open(userId: string, settleMs: number, host: string): Promise<string | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const [user]: { account_id: string; digest_cursor: string }[] = await manager.query(
        `SELECT account_id, digest_cursor FROM users u
          WHERE id = $1 AND digest_enabled
            AND NOT EXISTS (SELECT 1 FROM digest_deliveries d
                             WHERE d.user_id = u.id AND d.status = 'sending')
          FOR UPDATE SKIP LOCKED`,
        [userId],
      );
      if (!user) return undefined;
      const [range]: { first: string | null; last: string | null }[] = await manager.query(
        `SELECT min(n.id) AS first, max(n.id) AS last FROM notifications n
          WHERE n.account_id = $1 AND n.id > $2 AND n.id < ${settledBelow('$3')}`,
        [user.account_id, user.digest_cursor, settleMs],
      );
      if (!range?.first || !range.last) return undefined;
      const [delivery]: { id: string }[] = await manager.query(
        `INSERT INTO digest_deliveries (user_id, first_notification_id, last_notification_id, message_id)
         VALUES ($1, $2, $3, $4) RETURNING id`,
        [userId, range.first, range.last, `<digest-${userId}-${range.last}@${host}>`],
      );
      await manager.query(`UPDATE users SET digest_cursor = $2 WHERE id = $1`, [
        userId,
        range.last,
      ]);
      return delivery!.id;
    });
  }

  /**
   * Locks a delivery that is still `sending` for the rest of `manager`'s transaction; undefined
   * when it is done or another worker holds it (that worker is sending it right now).
   */
  async lock(manager: EntityManager, deliveryId: string): Promise<LockedDelivery | undefined> {
    // The lock is held while the SMTP send runs; its own timeouts end well before this one.
    await manager.query(`SET LOCAL idle_in_transaction_session_timeout = '5min'`);
    const [row]: LockedDelivery[] = await manager.query(
      `SELECT d.id, d.user_id AS "userId", u.account_id AS "accountId", u.email,
              u.unsubscribe_token AS "unsubscribeToken", u.digest_enabled AS "digestEnabled",
              d.first_notification_id AS "firstNotificationId",
              d.last_notification_id AS "lastNotificationId",
              d.message_id AS "messageId", d.attempts
         FROM digest_deliveries d JOIN users u ON u.id = d.user_id
        WHERE d.id = $1 AND d.status = 'sending'
        FOR UPDATE OF d SKIP LOCKED`,
      [deliveryId],
    );
    return row;
  }

  /**
   * The delivery's notifications still present and not hidden since (a block, a mute, a domain
   * block made after they arrived), newest first, at most `limit`, and their count.
   */
  async contents(
    manager: EntityManager,
    delivery: LockedDelivery,
    limit: number,
  ): Promise<{ items: DigestItem[]; total: number }> {
    const rows: NotificationRow[] = await manager.query(
      `SELECT n.type, a.username, a.domain, a.display_name,
              s.text AS status_text, s.content AS status_content, s.spoiler_text,
              count(*) OVER () AS total
         FROM notifications n
         JOIN accounts a ON a.id = n.from_account_id
         LEFT JOIN statuses s ON s.id = n.status_id
        WHERE n.account_id = $1 AND n.id BETWEEN $2 AND $3
          AND ${NOTIFICATION_NOT_FILTERED}
        ORDER BY n.id DESC LIMIT $4`,
      [delivery.accountId, delivery.firstNotificationId, delivery.lastNotificationId, limit],
    );
    const items = rows.map((row): DigestItem => ({
      type: row.type,
      from: { username: row.username, domain: row.domain, displayName: row.display_name },
      ...(row.status_content === null
        ? {}
        : {
            status: {
              text: row.status_text ?? '',
              html: row.status_content,
              spoilerText: row.spoiler_text ?? '',
            },
          }),
    }));
    return { items, total: rows.length === 0 ? 0 : Number(rows[0]!.total) };
  }

  async markSent(manager: EntityManager, deliveryId: string): Promise<void> {
    await manager.query(
      `UPDATE digest_deliveries
          SET status = 'sent', sent_at = now(), attempts = attempts + 1, last_error = NULL
        WHERE id = $1`,
      [deliveryId],
    );
  }

  /** Records a failed attempt; the delivery stays `sending` unless `final`. */
  async markFailed(
    manager: EntityManager,
    deliveryId: string,
    error: string,
    final: boolean,
  ): Promise<void> {
    await manager.query(
      `UPDATE digest_deliveries
          SET attempts = attempts + 1, last_error = left($2, 1000),
              status = CASE WHEN $3 THEN 'failed' ELSE status END
        WHERE id = $1`,
      [deliveryId, error, final],
    );
  }
}

/**
 * Ids are snowflakes (milliseconds << 16): this bounds them to notifications created more than
 * `settleMs` (the query parameter `param`) ago. A notification is written inside its action's transaction, so one with a lower id
 * can commit after one with a higher id; taking only settled ones keeps the cursor from moving
 * past a notification that was not yet visible — it would never be emailed.
 */
function settledBelow(param: string): string {
  return `((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - ${param}::bigint) << 16)`;
}
