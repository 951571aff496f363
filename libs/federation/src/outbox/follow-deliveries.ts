import type { Context } from '@fedify/fedify';
import type { FollowAnswer } from './activity-ids';
import {
  followActivity,
  followAnswerActivity,
  followUri,
  remoteFollow,
  undoFollowActivity,
} from './follow-activities';
import { deliveryTo, type OutboxDelivery } from './outbox-relay';
import type { Queryable, RemoteInboxes } from './recipients';

/**
 * A member's follow request to a remote account: the `Follow`, with the request's stable URI
 * (stored on the request the first time, so a repeated follow sends the same activity).
 */
export async function followDelivery(
  db: Queryable,
  ctx: Context<void>,
  followerId: string,
  targetId: string,
): Promise<OutboxDelivery | undefined> {
  const [row] = (await db.query(
    `SELECT r.id::text AS id, r.uri AS request_uri, me.username, t.uri, t.inbox_url,
            t.shared_inbox_url
       FROM follow_requests r
       JOIN accounts me ON me.id = r.account_id AND me.domain IS NULL
       JOIN accounts t ON t.id = r.target_account_id AND t.domain IS NOT NULL
      WHERE r.account_id = $1 AND r.target_account_id = $2 AND t.uri IS NOT NULL`,
    [followerId, targetId],
  )) as (RemoteInboxes & { id: string; request_uri: string | null; username: string })[];
  if (!row) return undefined;
  const id = row.request_uri ? new URL(row.request_uri) : followUri(ctx, row.username, row.id);
  if (!row.request_uri) {
    await db.query(`UPDATE follow_requests SET uri = $2 WHERE id = $1 AND uri IS NULL`, [
      row.id,
      id.href,
    ]);
  }
  return deliveryTo(row, false, (c) => followActivity(c, row.username, id, new URL(row.uri!)));
}

/** The `Undo(Follow)` of the follow (or request) of a remote account about to be removed. */
export async function unfollowDelivery(
  db: Queryable,
  followerId: string,
  targetId: string,
): Promise<OutboxDelivery | undefined> {
  const [row] = (await db.query(
    `SELECT g.uri AS follow_uri, me.username, t.uri, t.inbox_url, t.shared_inbox_url
       FROM (SELECT uri FROM follows WHERE account_id = $1 AND target_account_id = $2
             UNION ALL
             SELECT uri FROM follow_requests WHERE account_id = $1 AND target_account_id = $2
            ) g
       JOIN accounts me ON me.id = $1 AND me.domain IS NULL
       JOIN accounts t ON t.id = $2 AND t.domain IS NOT NULL
      WHERE g.uri IS NOT NULL AND t.uri IS NOT NULL`,
    [followerId, targetId],
  )) as (RemoteInboxes & { follow_uri: string; username: string })[];
  if (!row) return undefined;
  return deliveryTo(row, false, (c) =>
    undoFollowActivity(c, row.username, new URL(row.follow_uri), new URL(row.uri!)),
  );
}

/**
 * The `Accept`/`Reject` of a remote actor's pending Follow of a member (whose request row the
 * answering transaction deletes), to the requester's inbox; or the `Reject` of an accepted
 * Follow (`from` follows) that the member ends.
 */
export async function followAnswerDelivery(
  db: Queryable,
  targetId: string,
  requesterId: string,
  answer: FollowAnswer,
  from: 'follow_requests' | 'follows' = 'follow_requests',
): Promise<OutboxDelivery | undefined> {
  const [row] = (await db.query(
    `SELECT r.uri AS follow_uri, me.username, a.uri, a.inbox_url, a.shared_inbox_url
       FROM ${from} r
       JOIN accounts me ON me.id = r.target_account_id AND me.domain IS NULL
       JOIN accounts a ON a.id = r.account_id AND a.domain IS NOT NULL
      WHERE r.account_id = $1 AND r.target_account_id = $2
        AND r.uri IS NOT NULL AND a.uri IS NOT NULL`,
    [requesterId, targetId],
  )) as (RemoteInboxes & { follow_uri: string; username: string })[];
  if (!row) return undefined;
  return deliveryTo(row, false, (c) =>
    followAnswerActivity(
      c,
      row.username,
      answer,
      remoteFollow(c, new URL(row.follow_uri), new URL(row.uri!), row.username),
    ),
  );
}
