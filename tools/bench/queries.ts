/**
 * The SQL of the benchmark. `HOME_PAGE_IDS` is the api's `homeTimelineSql('TRUE', 20, false)`
 * (apps/api/src/timelines/timeline.queries.ts) and `VIEW_QUERY` the query `StatusView.page` wraps
 * around it (apps/api/src/statuses/status.view.ts). They are copies, because tools cannot import
 * app code; the bench checks before measuring that the api and the baseline return the same ids,
 * and the copies are only used for the EXPLAIN ANALYZE comparison.
 */

export const PAGE_SIZE = 20;

/** The home-timeline page: one bounded index range scan per followed account, merged. */
export const HOME_PAGE_IDS = `SELECT s.id FROM (
            SELECT target_account_id AS account_id FROM follows WHERE account_id = $1
            UNION ALL SELECT $1
          ) authors
          CROSS JOIN LATERAL (
            SELECT s.id FROM statuses s
             WHERE s.account_id = authors.account_id AND TRUE
               AND (s.visibility <> 'direct' OR s.account_id = $1)
             ORDER BY s.id DESC LIMIT ${PAGE_SIZE}
          ) s
          ORDER BY s.id DESC LIMIT ${PAGE_SIZE}`;

/**
 * The baseline: the same page, with each status's columns and its author's columns, in one
 * query (no mentions, tags or viewer flags). What a hand-written endpoint would minimally do.
 */
export const BASELINE_QUERY = `WITH page AS (${HOME_PAGE_IDS})
  SELECT s.id::text AS id, s.uri, s.url, s.local, s.text, s.content, s.spoiler_text, s.sensitive,
         s.visibility, s.language, s.in_reply_to_id::text AS in_reply_to_id,
         s.in_reply_to_account_id::text AS in_reply_to_account_id,
         s.reblog_of_id::text AS reblog_of_id, s.replies_count, s.reblogs_count,
         s.favourites_count, s.created_at, s.edited_at,
         a.id::text AS account_id, a.username, a.domain, a.display_name, a.note, a.locked, a.bot,
         a.discoverable, a.uri AS account_uri, a.url AS account_url, a.followers_count,
         a.following_count, a.statuses_count, a.last_status_at, a.created_at AS account_created_at
    FROM page JOIN statuses s USING (id) JOIN accounts a ON a.id = s.account_id
   ORDER BY s.id DESC`;

const ACCOUNT_COLUMNS = `a.id::text AS id, a.username, a.domain, a.display_name, a.note, a.locked, a.bot,
  a.discoverable, a.uri, a.url, a.followers_count, a.following_count, a.statuses_count,
  a.last_status_at, a.created_at`;

/** `StatusView.page(HOME_PAGE_IDS, [viewer])`: page, reblogged originals, authors, mentions, tags, flags. */
export const VIEW_QUERY = `WITH page AS (${HOME_PAGE_IDS}),
            wanted AS (SELECT id FROM page
                       UNION SELECT s.reblog_of_id FROM statuses s JOIN page USING (id)
                              WHERE s.reblog_of_id IS NOT NULL)
       SELECT s.id, s.id IN (SELECT id FROM page) AS in_page, s.uri, s.url, s.local, s.text, s.content,
              s.spoiler_text, s.sensitive, s.visibility, s.language, s.in_reply_to_id,
              s.in_reply_to_account_id, s.reblog_of_id, s.replies_count, s.reblogs_count,
              s.favourites_count, s.created_at, s.edited_at,
              (SELECT row_to_json(acc) FROM (SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = s.account_id) acc) AS account,
              coalesce((SELECT json_agg(json_build_object('id', ma.id::text, 'username', ma.username,
                                                          'domain', ma.domain, 'url', ma.url))
                          FROM mentions m JOIN accounts ma ON ma.id = m.account_id
                         WHERE m.status_id = s.id), '[]') AS mentions,
              coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id
                         WHERE st.status_id = s.id), '[]') AS tags,
              CASE WHEN $1::bigint IS NULL THEN NULL ELSE EXISTS (
                SELECT 1 FROM favourites f WHERE f.status_id = s.id AND f.account_id = $1) END AS favourited,
              CASE WHEN $1::bigint IS NULL THEN NULL ELSE EXISTS (
                SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id AND r.account_id = $1) END AS reblogged
         FROM statuses s JOIN wanted USING (id)`;

/** The access-token guard's lookup (apps/api/src/common/auth/access-token.guard.ts). */
export const TOKEN_QUERY = `SELECT t.id, t.application_id, t.scopes, t.user_id, u.account_id
         FROM oauth_access_tokens t LEFT JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`;
