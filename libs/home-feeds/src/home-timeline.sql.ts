/**
 * The definition of a member's home timeline, in SQL. The Redis feeds are a copy of it kept up to
 * date on write; the api falls back to it when a feed is missing or a page reaches past a feed's
 * tail, and rebuilds feeds from it.
 *
 * A status is in the home of member V when
 * - its author is V or an account V follows, and
 * - it is not direct, or V wrote it, or it mentions V (Mastodon delivers a direct status to the
 *   mentioned followers), and
 * - neither its author nor, for a reblog, the reblogged author is hidden from V (blocked either
 *   way, muted, or of a domain V blocks: `hiddenAccount`), and the author is not in one of V's
 *   exclusive lists (those posts show in the list only, as Mastodon does), and
 * - it is not a reblog of a status whose original, or an older reblog of it, is already in V's
 *   home (Mastodon's reblog aggregation: one entry per original, the first that arrived).
 *
 * A block, mute or domain block (or its end), or a change of who is in an exclusive list, drops
 * the feeds it changes, which are then rebuilt from this definition.
 */
import { notHidden } from '@fediflow/social';

/** SQL: may status `alias` reach V's home by authorship and visibility (no reblog rule)? */
export function reachesHome(alias: string, viewer: string): string {
  return `(${alias}.account_id = ${viewer}
           OR EXISTS (SELECT 1 FROM follows hf
                       WHERE hf.account_id = ${viewer} AND hf.target_account_id = ${alias}.account_id))
          AND ${visibleInHome(alias, viewer)}`;
}

/** SQL: the visibility and filter rules for a status by V or by an account V follows. */
function visibleInHome(alias: string, viewer: string): string {
  return `(${alias}.visibility <> 'direct' OR ${alias}.account_id = ${viewer}
           OR EXISTS (SELECT 1 FROM mentions hm
                       WHERE hm.status_id = ${alias}.id AND hm.account_id = ${viewer}))
          AND ${notFilteredFor(alias, viewer)}`;
}

/**
 * SQL: V has not hidden the author (or reblogged author) of `alias`, nor put the author in one of
 * V's exclusive lists. Own statuses pass: members cannot block or mute themselves.
 */
function notFilteredFor(alias: string, viewer: string): string {
  return `${notHidden(alias, viewer)}
          AND NOT EXISTS (SELECT 1 FROM list_accounts hla JOIN lists hl ON hl.id = hla.list_id
                           WHERE hl.account_id = ${viewer} AND hl.exclusive
                             AND hla.account_id = ${alias}.account_id)`;
}

/** SQL: status `alias` is not a reblog hidden behind an earlier entry of the same original. */
function notAggregatedReblog(alias: string, viewer: string): string {
  return `(${alias}.reblog_of_id IS NULL OR NOT EXISTS (
            SELECT 1 FROM statuses d
             WHERE (d.id = ${alias}.reblog_of_id OR d.reblog_of_id = ${alias}.reblog_of_id)
               AND d.id < ${alias}.id AND ${reachesHome('d', viewer)}))`;
}

/**
 * Home page (`$1` is the viewer; `where` narrows `s.id`). For each followed account the newest
 * `limit` matching statuses come from the (account_id, id) index, then the merge keeps the newest
 * `limit` overall: the cost grows with follows × limit, not with the table — which is why pages
 * are read from the Redis feed and this runs only to rebuild one or past its tail.
 */
export function homeTimelineSql(where: string, limit: number, ascending: boolean): string {
  return mergedAuthorsSql(
    `${where} AND ${visibleInHome('s', '$1')} AND ${notAggregatedReblog('s', '$1')}`,
    limit,
    ascending,
  );
}

/**
 * The newest `$2` entries of `$1`'s home for a feed rebuild, cheaper than `homeTimelineSql` with
 * a large limit: the candidates (authorship and visibility only, index-only scans) are cut to `$2`
 * first, and the reblog rule is checked for those alone. What survives is exactly the home from
 * its newest entry down to the last candidate (a hidden reblog hides nothing else), so the feed
 * is complete down to its lowest id. `candidates` says whether there were `$2` of them.
 */
export function homeRebuildSql(limit: number): string {
  return `WITH candidates AS (${mergedAuthorsSql(visibleInHome('s', '$1'), limit, false)})
          SELECT c.id::text AS id, ${notAggregatedReblog('s', '$1')} AS shown
            FROM candidates c JOIN statuses s ON s.id = c.id
           ORDER BY c.id DESC`;
}

function mergedAuthorsSql(where: string, limit: number, ascending: boolean): string {
  const order = ascending ? 'ASC' : 'DESC';
  return `SELECT s.id FROM (
            SELECT target_account_id AS account_id FROM follows WHERE account_id = $1
            UNION ALL SELECT $1
          ) authors
          CROSS JOIN LATERAL (
            SELECT s.id FROM statuses s
             WHERE s.account_id = authors.account_id AND ${where}
             ORDER BY s.id ${order} LIMIT ${limit}
          ) s
          ORDER BY s.id ${order} LIMIT ${limit}`;
}

/**
 * For members `$1` (bigint[]) and originals `$2` (bigint[]): every status of each original's
 * group (the original and its reblogs) that reaches each member's home. The oldest of a group is
 * the one entry the member's home shows for it (`notAggregatedReblog`).
 */
export const GROUP_ENTRIES_SQL = `
  WITH grp AS (
    SELECT id, account_id, visibility, reblog_of_id, coalesce(reblog_of_id, id) AS original
      FROM statuses WHERE id = ANY($2::bigint[])
    UNION
    SELECT id, account_id, visibility, reblog_of_id, reblog_of_id FROM statuses
     WHERE reblog_of_id = ANY($2::bigint[]))
  SELECT m.id::text AS member, s.original::text AS original, s.id::text AS id
    FROM unnest($1::bigint[]) AS m(id)
    JOIN grp s ON ${reachesHome('s', 'm.id')}`;

/** Local members following `$1`, and `$1` itself when local: the feeds its statuses reach. */
export const LOCAL_AUDIENCE_SQL = `
  SELECT f.account_id::text AS id FROM follows f
    JOIN accounts a ON a.id = f.account_id AND a.domain IS NULL
   WHERE f.target_account_id = $1
  UNION ALL
  SELECT id::text FROM accounts WHERE id = $1 AND domain IS NULL`;

/** The newest statuses of account `$1` (`$2` rows) with the original each belongs to. */
export const ACCOUNT_ENTRIES_SQL = `
  SELECT id::text AS id, coalesce(reblog_of_id, id)::text AS original FROM statuses
   WHERE account_id = $1 ORDER BY id DESC LIMIT $2`;

/** Is `$1` a local member (one with a home feed)? */
export const IS_LOCAL_SQL = `SELECT 1 FROM accounts WHERE id = $1 AND domain IS NULL`;
