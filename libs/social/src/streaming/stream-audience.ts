import type { Queryable } from '../queryable';

/** Who may see a status live, by the channels it goes to. */
export interface StatusAudience {
  /** Local accounts whose home timeline (user stream) gets it. */
  home: string[];
  /** Public, not a reblog, not a reply to someone else: the public and hashtag streams get it. */
  public: boolean;
  local: boolean;
  tags: string[];
}

/**
 * `home` comes as JSON (parsed natively), not as a Postgres array: a popular author's post has
 * thousands of ids, and pg's text-array parser cost ≈ 3 % of the api's CPU on a post.
 *
 * Mastodon's fan-out rules for the live timelines: home gets the author's own posts and those of
 * followed accounts (not direct ones, and replies only when the reply's target is followed too),
 * posts with a followed hashtag, and direct posts only their author and the accounts they address.
 * Public streams carry public statuses only, without reblogs or replies to others.
 */
export async function statusAudience(
  db: Queryable,
  statusId: string,
): Promise<StatusAudience | undefined> {
  const [row] = (await db.query(
    `SELECT s.visibility = 'public' AND s.reblog_of_id IS NULL
              AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id)
              AS public,
            author.domain IS NULL AS local,
            coalesce((SELECT json_agg(t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id
                       WHERE st.status_id = s.id), '[]') AS tags,
            to_json(ARRAY(
              SELECT s.account_id::text WHERE author.domain IS NULL
              UNION
              SELECT f.account_id::text FROM follows f JOIN accounts fa ON fa.id = f.account_id
               WHERE f.target_account_id = s.account_id AND fa.domain IS NULL
                 AND s.visibility <> 'direct'
                 AND (s.in_reply_to_account_id IS NULL OR s.in_reply_to_account_id = s.account_id
                      OR EXISTS (SELECT 1 FROM follows r WHERE r.account_id = f.account_id
                                    AND r.target_account_id = s.in_reply_to_account_id))
              UNION
              SELECT m.account_id::text FROM mentions m JOIN accounts ma ON ma.id = m.account_id
               WHERE m.status_id = s.id AND ma.domain IS NULL AND s.visibility = 'direct'
              UNION
              SELECT tf.account_id::text FROM tag_follows tf
                JOIN status_tags st ON st.tag_id = tf.tag_id AND st.status_id = s.id
               WHERE s.visibility = 'public'
            )) AS home
       FROM statuses s JOIN accounts author ON author.id = s.account_id
      WHERE s.id = $1`,
    [statusId],
  )) as StatusAudience[];
  return row;
}

/** After a delete the row is gone: its author and their local followers are told. */
export async function deletionAudience(db: Queryable, accountId: string): Promise<string[]> {
  const rows = (await db.query(
    `SELECT a.id::text AS id FROM accounts a WHERE a.id = $1 AND a.domain IS NULL
     UNION
     SELECT f.account_id::text FROM follows f JOIN accounts fa ON fa.id = f.account_id
      WHERE f.target_account_id = $1 AND fa.domain IS NULL`,
    [accountId],
  )) as { id: string }[];
  return rows.map((row) => row.id);
}
