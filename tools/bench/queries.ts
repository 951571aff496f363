/**
 * The SQL of the benchmark, copied from the code it measures (the bench checks before measuring
 * that the api and the floor return the same ids; the copies serve the floor and EXPLAIN):
 * `HOME_PAGE_IDS` is `homeTimelineSql('TRUE', 20, false)` (libs/home-feeds/src/home-timeline.sql.ts),
 * what a feed miss or a page past a feed's tail costs; `VIEW_QUERY` is what `StatusView.page`
 * wraps around a page (apps/api/src/statuses/status.view.ts), and `FEED_PAGE_VIEW_QUERY` the same
 * around the ids of a feed page (`StatusView.byIds`): the floor's one primary-key query.
 */

export const PAGE_SIZE = 20;

/** In V's home: by V or an account V follows, and not direct unless by or to V. */
const reachesHome = (alias: string, viewer: string) => `(${alias}.account_id = ${viewer}
           OR EXISTS (SELECT 1 FROM follows hf
                       WHERE hf.account_id = ${viewer} AND hf.target_account_id = ${alias}.account_id))
          AND ${visibleInHome(alias, viewer)}`;
const visibleInHome = (
  alias: string,
  viewer: string,
) => `(${alias}.visibility <> 'direct' OR ${alias}.account_id = ${viewer}
           OR EXISTS (SELECT 1 FROM mentions hm
                       WHERE hm.status_id = ${alias}.id AND hm.account_id = ${viewer}))`;

/** The SQL definition of a home page: one bounded index range scan per followed account, merged. */
export const HOME_PAGE_IDS = `SELECT s.id FROM (
            SELECT target_account_id AS account_id FROM follows WHERE account_id = $1
            UNION ALL SELECT $1
          ) authors
          CROSS JOIN LATERAL (
            SELECT s.id FROM statuses s
             WHERE s.account_id = authors.account_id AND TRUE
               AND ${visibleInHome('s', '$1')} AND (s.reblog_of_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM statuses d
             WHERE (d.id = s.reblog_of_id OR d.reblog_of_id = s.reblog_of_id)
               AND d.id < s.id AND ${reachesHome('d', '$1')}))
             ORDER BY s.id DESC LIMIT ${PAGE_SIZE}
          ) s
          ORDER BY s.id DESC LIMIT ${PAGE_SIZE}`;

const ACCOUNT_COLUMNS = `a.id::text AS id, a.username, a.domain, a.display_name, a.note, a.locked, a.bot,
  a.discoverable, a.uri, a.url, a.followers_count, a.following_count, a.statuses_count,
  a.last_status_at, a.created_at, a.fields`;

/** `StatusView.page(pageSql, [viewer, …])`: page, reblogged originals, authors, mentions, tags, flags. */
const viewQuery = (pageSql: string) => `WITH page AS (${pageSql}),
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
                SELECT 1 FROM statuses r WHERE r.reblog_of_id = s.id AND r.account_id = $1) END AS reblogged,
              CASE WHEN $1::bigint IS NULL THEN NULL ELSE EXISTS (
                SELECT 1 FROM bookmarks b WHERE b.status_id = s.id AND b.account_id = $1) END AS bookmarked,
              CASE WHEN $1::bigint IS NULL THEN NULL ELSE EXISTS (
                SELECT 1 FROM status_pins p WHERE p.status_id = s.id AND p.account_id = $1) END AS pinned
         FROM statuses s JOIN wanted USING (id)`;

/** The api's view of the SQL home page (a feed miss). */
export const VIEW_QUERY = viewQuery(HOME_PAGE_IDS);

/** `VISIBLE_TO_VIEWER` of apps/api/src/statuses/status.view.ts. */
const VISIBLE_TO_VIEWER = `(
  s.visibility IN ('public', 'unlisted')
  OR s.account_id = $1
  OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = s.id AND vm.account_id = $1)
  OR (s.visibility = 'private' AND EXISTS (
        SELECT 1 FROM follows vf WHERE vf.account_id = $1 AND vf.target_account_id = s.account_id)))`;

/** The api's view of a feed page (`$2`: the page's ids, from Redis): primary-key lookups only. */
export const FEED_PAGE_VIEW_QUERY = viewQuery(
  `SELECT s.id FROM statuses s WHERE s.id = ANY($2::bigint[]) AND ${VISIBLE_TO_VIEWER}`,
);

/** The access-token guard's lookup (apps/api/src/common/auth/access-token.guard.ts). */
export const TOKEN_QUERY = `SELECT t.id, t.application_id, t.scopes, t.user_id, u.account_id
         FROM oauth_access_tokens t LEFT JOIN users u ON u.id = t.user_id
        WHERE t.token_hash = $1 AND t.revoked_at IS NULL`;
