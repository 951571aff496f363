/**
 * Page queries of the timelines (each selects status `id`s; `$1` is the viewer). Written so that
 * every one is a bounded index range scan, never a scan of the whole statuses table.
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
           ORDER BY st.status_id ${ascending ? 'ASC' : 'DESC'} LIMIT ${limit}`;
}
