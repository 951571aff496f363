import type { DataSource } from 'typeorm';

/**
 * Removes a remote account and everything of it, as Mastodon does on `Delete` of an actor: its
 * statuses (with the reblogs of them), its reblogs and favourites, follows in both directions,
 * follow requests, mentions and the notifications it caused; the counters of the accounts and
 * statuses that remain are adjusted first. The row goes too, so a redelivered Delete finds nothing,
 * and a later activity from the actor is treated as from a stranger (and Fedify cannot verify it
 * once the actor document is gone). Local accounts are never touched (`domain IS NOT NULL`).
 * Returns whether there was such an account.
 */
export async function deleteRemoteAccount(db: DataSource, actorUri: URL): Promise<boolean> {
  return db.transaction(async (manager) => {
    const [account] = (await manager.query(
      `SELECT id::text AS id FROM accounts WHERE uri = $1 AND domain IS NOT NULL FOR UPDATE`,
      [actorUri.href],
    )) as { id: string }[];
    if (!account) return false;
    const id = account.id;
    // Whom it followed lose a follower; who followed it lose a followee.
    await manager.query(
      `UPDATE accounts a SET followers_count = greatest(a.followers_count - 1, 0)
         FROM follows f WHERE f.account_id = $1 AND a.id = f.target_account_id`,
      [id],
    );
    await manager.query(
      `UPDATE accounts a SET following_count = greatest(a.following_count - 1, 0)
         FROM follows f WHERE f.target_account_id = $1 AND a.id = f.account_id`,
      [id],
    );
    // Its favourites and reblogs of others' statuses.
    await manager.query(
      `UPDATE statuses s SET favourites_count = greatest(s.favourites_count - n, 0)
         FROM (SELECT status_id, count(*)::int AS n FROM favourites WHERE account_id = $1
                GROUP BY status_id) f
        WHERE s.id = f.status_id`,
      [id],
    );
    await manager.query(
      `UPDATE statuses s SET reblogs_count = greatest(s.reblogs_count - 1, 0)
         FROM statuses r WHERE r.account_id = $1 AND r.reblog_of_id = s.id AND s.account_id <> $1`,
      [id],
    );
    // Its replies to others' statuses.
    await manager.query(
      `UPDATE statuses s SET replies_count = greatest(s.replies_count - n, 0)
         FROM (SELECT in_reply_to_id, count(*)::int AS n FROM statuses
                WHERE account_id = $1 AND in_reply_to_id IS NOT NULL GROUP BY in_reply_to_id) r
        WHERE s.id = r.in_reply_to_id AND s.account_id <> $1`,
      [id],
    );
    // Others' reblogs of its statuses go with them (ON DELETE CASCADE): uncount them.
    await manager.query(
      `UPDATE accounts a SET statuses_count = greatest(a.statuses_count - n, 0)
         FROM (SELECT r.account_id, count(*)::int AS n FROM statuses r
                 JOIN statuses o ON o.id = r.reblog_of_id
                WHERE o.account_id = $1 AND r.account_id <> $1 GROUP BY r.account_id) b
        WHERE a.id = b.account_id`,
      [id],
    );
    // Cascades: statuses (and reblogs of them, mentions, favourites of them), follows, follow
    // requests, favourites, mentions of it and notifications from it or about its statuses.
    await manager.query(`DELETE FROM accounts WHERE id = $1 AND domain IS NOT NULL`, [id]);
    return true;
  });
}
