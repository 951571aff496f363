import type { LocalMember } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';
import type { NotificationType } from '@fediflow/social';

/**
 * A local account without a login, that only acts (follows, favourites…); returns its id. Members
 * come from `localMember`, remote accounts from `remoteActor` (@fediflow/testing/fixtures).
 */
export async function createAccount(
  db: DataSource,
  input: { username: string; displayName?: string },
): Promise<string> {
  const [row]: { id: string }[] = await db.query(
    `INSERT INTO accounts (username, display_name) VALUES ($1, $2) RETURNING id`,
    [input.username, input.displayName ?? ''],
  );
  return row!.id;
}

/**
 * A notification for `to`, created `ageMs` ago (its snowflake id says so). The digest takes only
 * notifications older than a minute, so the default is five minutes.
 */
export async function notify(
  db: DataSource,
  input: {
    to: LocalMember;
    from: string;
    type: NotificationType;
    statusId?: string;
    ageMs?: number;
  },
): Promise<string> {
  const [row]: { id: string }[] = await db.query(
    `INSERT INTO notifications (id, account_id, from_account_id, type, status_id, created_at)
     VALUES (((floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint - $5::bigint) << 16)
               | (nextval('snowflake_seq') % 65536),
             $1, $2, $3, $4, now() - make_interval(secs => $5::float8 / 1000))
     RETURNING id`,
    [input.to.accountId, input.from, input.type, input.statusId ?? null, input.ageMs ?? 300_000],
  );
  return row!.id;
}

export interface DeliveryRow {
  id: string;
  first_notification_id: string;
  last_notification_id: string;
  message_id: string;
  status: 'sending' | 'sent' | 'failed';
  attempts: number;
  last_error: string | null;
}

export function deliveriesOf(db: DataSource, member: LocalMember): Promise<DeliveryRow[]> {
  return db.query(
    `SELECT id, first_notification_id, last_notification_id, message_id, status, attempts,
            last_error
       FROM digest_deliveries WHERE user_id = $1 ORDER BY id`,
    [member.userId],
  );
}

export async function cursorOf(db: DataSource, member: LocalMember): Promise<string> {
  const [row]: { digest_cursor: string }[] = await db.query(
    `SELECT digest_cursor FROM users WHERE id = $1`,
    [member.userId],
  );
  return row!.digest_cursor;
}

/** Makes deliveries look older than they are, as if the lease had passed. */
export async function ageDeliveries(
  db: DataSource,
  member: LocalMember,
  ms: number,
): Promise<void> {
  await db.query(
    `UPDATE digest_deliveries SET created_at = created_at - make_interval(secs => $2::float8 / 1000)
      WHERE user_id = $1`,
    [member.userId, ms],
  );
}
