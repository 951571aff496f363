import { VISIBLE_TO_VIEWER } from '../statuses/status.view';
import { NOT_FILTERED_FOR_VIEWER } from '@fediflow/social';

/**
 * Page queries of the timelines (each selects status `id`s; `$1` is the viewer). Written so that
 * every one is a bounded index range scan, never a scan of the whole statuses table. Every one
 * leaves out what the viewer blocks, mutes or domain-blocks (`NOT_FILTERED_FOR_VIEWER`).
 */

// Home: `homeTimelineSql` in @fediflow/home-feeds (the definition the Redis feeds copy).

/** Public (federated) or local timeline: public, non-reblog statuses, from a partial index. */
export function publicTimelineSql(
  where: string,
  limit: number,
  ascending: boolean,
  scope: 'all' | 'local' | 'remote',
) {
  const locality = scope === 'local' ? 'AND s.local' : scope === 'remote' ? 'AND NOT s.local' : '';
  return `SELECT s.id FROM statuses s
           WHERE s.visibility = 'public' AND s.reblog_of_id IS NULL ${locality} AND ${where}
             AND ${NOT_FILTERED_FOR_VIEWER}
           ORDER BY s.id ${ascending ? 'ASC' : 'DESC'} LIMIT ${limit}`;
}

/** Hashtag timeline (`tagParam` is the placeholder of the lower-cased tag name). */
export function tagTimelineSql(
  where: string,
  limit: number,
  ascending: boolean,
  tagParam: string,
  localOnly: boolean,
) {
  return `SELECT s.id FROM status_tags st
            JOIN tags t ON t.id = st.tag_id AND t.name = ${tagParam}
            JOIN statuses s ON s.id = st.status_id
           WHERE s.visibility = 'public' ${localOnly ? 'AND s.local' : ''} AND ${where.replaceAll('s.id', 'st.status_id')}
             AND ${NOT_FILTERED_FOR_VIEWER}
           ORDER BY st.status_id ${ascending ? 'ASC' : 'DESC'} LIMIT ${limit}`;
}

/**
 * A list's timeline (`listParam` is the placeholder of a list of the viewer's): its members'
 * statuses, newest `limit` per member then merged, as home does. Direct posts are never shown;
 * replies by a member to someone else follow the list's `replies_policy` as Mastodon's
 * FeedManager#filter_from_list? does: always shown when replying to the viewer, to people the
 * viewer follows under `followed`, to the list's members under `list`, and not otherwise.
 */
export function listTimelineSql(
  where: string,
  limit: number,
  ascending: boolean,
  listParam: string,
): string {
  const order = ascending ? 'ASC' : 'DESC';
  return `SELECT s.id FROM lists l
            JOIN list_accounts la ON la.list_id = l.id
          CROSS JOIN LATERAL (
            SELECT s.id FROM statuses s
             WHERE s.account_id = la.account_id AND ${where} AND s.visibility <> 'direct'
               AND ${VISIBLE_TO_VIEWER} AND ${NOT_FILTERED_FOR_VIEWER}
               AND (s.in_reply_to_id IS NULL OR s.in_reply_to_account_id = s.account_id
                    OR s.in_reply_to_account_id = $1
                    OR (l.replies_policy = 'followed' AND EXISTS (
                          SELECT 1 FROM follows rf
                           WHERE rf.account_id = $1 AND rf.target_account_id = s.in_reply_to_account_id))
                    OR (l.replies_policy = 'list' AND EXISTS (
                          SELECT 1 FROM list_accounts rl
                           WHERE rl.list_id = l.id AND rl.account_id = s.in_reply_to_account_id)))
             ORDER BY s.id ${order} LIMIT ${limit}
          ) s
          WHERE l.id = ${listParam} AND l.account_id = $1
          ORDER BY s.id ${order} LIMIT ${limit}`;
}
