import type { StatusVisibility } from './note-activities';
import { undoActivity } from './follow-activities';
import { deliveryTo, type OutboxDelivery } from './outbox-relay';
import { announceActivity, likeActivity } from './reaction-activities';
import {
  remoteFollowerRecipients,
  remoteRecipient,
  type Queryable,
  type RemoteInboxes,
} from './recipients';

/** The `Like` of a member's favourite of a remote status (or its `Undo`), to the author. */
export async function likeDelivery(
  db: Queryable,
  accountId: string,
  statusId: string,
  undo: boolean,
): Promise<OutboxDelivery | undefined> {
  const [row] = (await db.query(
    `SELECT f.id::text AS favourite_id, me.username, o.uri AS status_uri, au.uri, au.inbox_url,
            au.shared_inbox_url
       FROM statuses s
       JOIN statuses o ON o.id = coalesce(s.reblog_of_id, s.id)
       JOIN accounts au ON au.id = o.account_id AND au.domain IS NOT NULL
       JOIN favourites f ON f.status_id = o.id AND f.account_id = $1
       JOIN accounts me ON me.id = $1 AND me.domain IS NULL
      WHERE s.id = $2 AND NOT o.local AND o.uri IS NOT NULL AND au.uri IS NOT NULL`,
    [accountId, statusId],
  )) as (RemoteInboxes & { favourite_id: string; username: string; status_uri: string })[];
  if (!row) return undefined;
  return deliveryTo(row, true, (c) => {
    const like = likeActivity(c, row.username, row.favourite_id, new URL(row.status_uri));
    return undo ? undoActivity(like) : like;
  });
}

/**
 * The `Announce` of a member's reblog (or its `Undo`): to their remote followers and the
 * original's remote author.
 */
export async function announceDelivery(
  db: Queryable,
  accountId: string,
  statusId: string,
  undo: boolean,
): Promise<OutboxDelivery | undefined> {
  const [row] = (await db.query(
    `SELECT r.id::text AS reblog_id, r.visibility, me.username, o.id::text AS original_id,
            o.uri AS original_uri, oa.username AS original_username,
            oa.uri AS author_uri, oa.inbox_url AS author_inbox,
            oa.shared_inbox_url AS author_shared_inbox
       FROM statuses s
       JOIN statuses o ON o.id = coalesce(s.reblog_of_id, s.id)
       JOIN accounts oa ON oa.id = o.account_id
       JOIN statuses r ON r.reblog_of_id = o.id AND r.account_id = $1
       JOIN accounts me ON me.id = $1 AND me.domain IS NULL
      WHERE s.id = $2 AND o.visibility IN ('public', 'unlisted')
        AND (o.local OR o.uri IS NOT NULL)`,
    [accountId, statusId],
  )) as {
    reblog_id: string;
    visibility: StatusVisibility;
    username: string;
    original_id: string;
    original_uri: string | null;
    original_username: string;
    author_uri: string | null;
    author_inbox: string | null;
    author_shared_inbox: string | null;
  }[];
  if (!row) return undefined;
  // Only a remote original has a remote author to tell.
  const remoteAuthor = row.original_uri && row.author_uri ? new URL(row.author_uri) : null;
  const recipients = [
    ...(await remoteFollowerRecipients(db, accountId)),
    ...(remoteAuthor
      ? [
          remoteRecipient({
            uri: remoteAuthor.href,
            inbox_url: row.author_inbox,
            shared_inbox_url: row.author_shared_inbox,
          }),
        ]
      : []),
  ];
  if (recipients.length === 0) return undefined;
  return {
    username: row.username,
    recipients,
    sharedInbox: true,
    build: (c) => {
      const announce = announceActivity(c, {
        username: row.username,
        reblogId: row.reblog_id,
        visibility: row.visibility,
        original: row.original_uri
          ? new URL(row.original_uri)
          : { username: row.original_username, id: row.original_id },
        remoteAuthor,
      });
      return undo ? undoActivity(announce) : announce;
    },
  };
}
