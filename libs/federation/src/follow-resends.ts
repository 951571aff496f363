import type { Context } from '@fedify/fedify';
import { affectedCount } from '@fediflow/database';
import type { DataSource } from 'typeorm';
import { followActivity } from './outbox/follow-activities';

/**
 * Silence after which a member's unanswered follow request is re-sent: 1 h after the Follow,
 * then 6 h, 24 h and 72 h after each re-send. After the last one FediFlow gives up re-sending;
 * the request stays pending (the member may withdraw it) and operators see it as given up.
 * Fedify already retries deliveries that fail; this covers servers that took the Follow (202)
 * and never answered, such as one that dropped it in its own queue.
 */
export const FOLLOW_RESEND_DELAYS_MS: readonly number[] = [1, 6, 24, 72].map((h) => h * 3_600_000);

/** A member's follow request to a remote account that has not been answered. */
export interface PendingFollowRequest {
  id: string;
  follower: string;
  target: string;
  requestedAt: Date;
  lastSentAt: Date;
  resends: number;
  /** When it will be re-sent next, or null once FediFlow gave up re-sending. */
  nextResendAt: Date | null;
}

interface PendingRow {
  id: string;
  uri: string;
  username: string;
  target: string;
  target_uri: string;
  inbox_url: string;
  created_at: Date;
  last_sent_at: Date;
  resends: number;
}

const PENDING_SELECT = `
  SELECT r.id::text AS id, r.uri, me.username, t.username || '@' || t.domain AS target,
         t.uri AS target_uri, t.inbox_url, r.created_at,
         coalesce(r.last_sent_at, r.created_at) AS last_sent_at, r.resends
    FROM follow_requests r
    JOIN accounts me ON me.id = r.account_id AND me.domain IS NULL
    JOIN accounts t ON t.id = r.target_account_id AND t.domain IS NOT NULL
   WHERE r.uri IS NOT NULL AND t.uri IS NOT NULL AND t.inbox_url IS NOT NULL`;

function nextResendAt(row: Pick<PendingRow, 'last_sent_at' | 'resends'>): Date | null {
  const delay = FOLLOW_RESEND_DELAYS_MS[row.resends];
  return delay === undefined ? null : new Date(row.last_sent_at.getTime() + delay);
}

/** Pending outbound follow requests, oldest first (for `deliveries follows`). */
export async function listPendingFollowRequests(
  db: DataSource,
  limit: number,
): Promise<PendingFollowRequest[]> {
  const rows = (await db.query(`${PENDING_SELECT} ORDER BY r.created_at, r.id LIMIT $1`, [
    limit,
  ])) as PendingRow[];
  return rows.map((row) => ({
    id: row.id,
    follower: row.username,
    target: row.target,
    requestedAt: row.created_at,
    lastSentAt: row.last_sent_at,
    resends: row.resends,
    nextResendAt: nextResendAt(row),
  }));
}

/**
 * Re-sends (the same Follow, same id) every pending request whose silence has outlasted its
 * delay; returns how many. Each row is claimed by its re-send count, so replicas running this
 * at once send each Follow once.
 */
export async function resendPendingFollows(
  db: DataSource,
  ctx: Context<void>,
  now: Date = new Date(),
  limit = 500,
): Promise<{ resent: number }> {
  const due = (await db.query(
    `${PENDING_SELECT}
       AND r.resends < $1
       AND coalesce(r.last_sent_at, r.created_at)
           + ($2::bigint[])[r.resends + 1] * interval '1 millisecond' <= $3
     ORDER BY r.id LIMIT $4`,
    [FOLLOW_RESEND_DELAYS_MS.length, FOLLOW_RESEND_DELAYS_MS, now, limit],
  )) as PendingRow[];
  let resent = 0;
  for (const row of due) {
    const claimed = affectedCount(
      await db.query(
        `UPDATE follow_requests SET resends = resends + 1, last_sent_at = $3
          WHERE id = $1 AND resends = $2`,
        [row.id, row.resends, now],
      ),
    );
    if (claimed !== 1) continue;
    await ctx.sendActivity(
      { identifier: row.username },
      { id: new URL(row.target_uri), inboxId: new URL(row.inbox_url) },
      followActivity(ctx, row.username, new URL(row.uri), new URL(row.target_uri)),
      { preferSharedInbox: false, orderingKey: ctx.getActorUri(row.username).href },
    );
    resent += 1;
  }
  return { resent };
}
