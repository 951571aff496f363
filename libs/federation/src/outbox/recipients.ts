import type { Context } from '@fedify/fedify';
import type { Recipient } from '@fedify/fedify/vocab';
import type { EntityManager } from 'typeorm';

/** Anything that runs SQL: the DataSource, or a transaction's EntityManager. */
export type Queryable = Pick<EntityManager, 'query'>;

/** An account at the other end of a follow, local (`domain` null) or remote. */
export interface GraphRow {
  /** The follow's id: the collections' keyset cursor. */
  id: string;
  username: string;
  domain: string | null;
  uri: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
}

/** Where a remote actor receives activities, as stored on its account row. */
export interface RemoteInboxes {
  uri: string | null;
  inbox_url: string | null;
  shared_inbox_url: string | null;
}

/** Which side of an account's follows: who follows it, or whom it follows. */
export type FollowSide = 'followers' | 'following';

const COLUMNS: Record<FollowSide, { own: string; other: string }> = {
  followers: { own: 'target_account_id', other: 'account_id' },
  following: { own: 'account_id', other: 'target_account_id' },
};

/**
 * The one query of an account's followers (or followed accounts), newest first: a keyset page
 * (follows older than `before`) for the collections, or all of them for a delivery.
 */
export async function followGraph(
  db: Queryable,
  accountId: string,
  side: FollowSide,
  page: { before: string | null; limit: number | null } = { before: null, limit: null },
): Promise<GraphRow[]> {
  const { own, other } = COLUMNS[side];
  return (await db.query(
    `SELECT f.id::text AS id, a.username, a.domain, a.uri, a.inbox_url, a.shared_inbox_url
       FROM follows f JOIN accounts a ON a.id = f.${other}
      WHERE f.${own} = $1 AND ($2::bigint IS NULL OR f.id < $2::bigint)
      ORDER BY f.id DESC LIMIT $3`,
    [accountId, page.before, page.limit],
  )) as GraphRow[];
}

/**
 * The account's remote followers to deliver to: one per server when they share an inbox (one
 * request per server, the newest follow's actor), else one per inbox, newest follow first.
 * Local followers read it here, not by delivery. Filtered and deduplicated in SQL: a member
 * with many local followers costs no rows here (this runs in every post's transaction).
 */
export async function remoteFollowerRecipients(
  db: Queryable,
  accountId: string,
): Promise<Recipient[]> {
  const rows = (await db.query(
    `SELECT uri, inbox_url, shared_inbox_url FROM (
       SELECT DISTINCT ON (coalesce(a.shared_inbox_url, a.inbox_url))
              f.id, a.uri, a.inbox_url, a.shared_inbox_url
         FROM follows f JOIN accounts a ON a.id = f.account_id
        WHERE f.target_account_id = $1 AND a.domain IS NOT NULL AND a.uri IS NOT NULL
          AND coalesce(a.shared_inbox_url, a.inbox_url) IS NOT NULL
        ORDER BY coalesce(a.shared_inbox_url, a.inbox_url), f.id DESC
     ) newest_per_inbox
     ORDER BY id DESC`,
    [accountId],
  )) as RemoteInboxes[];
  return rows.map(remoteRecipient);
}

/** A remote actor as Fedify addresses it. */
export function remoteRecipient(row: RemoteInboxes): Recipient {
  return {
    id: row.uri ? new URL(row.uri) : null,
    inboxId: row.inbox_url ? new URL(row.inbox_url) : null,
    endpoints: row.shared_inbox_url ? { sharedInbox: new URL(row.shared_inbox_url) } : null,
  };
}

/** An item of the followers/following collections: a member by their URIs, a remote as stored. */
export function graphRecipient(ctx: Context<void>, row: GraphRow): Recipient {
  if (row.domain === null) {
    return {
      id: ctx.getActorUri(row.username),
      inboxId: ctx.getInboxUri(row.username),
      endpoints: { sharedInbox: ctx.getInboxUri() },
    };
  }
  return remoteRecipient(row);
}
