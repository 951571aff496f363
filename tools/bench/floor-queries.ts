/**
 * The SQL of the api floors (tools/bench/floor-server.ts): per endpoint the one indexed query
 * (reads) or the minimal transactional inserts (POST) a hand-written endpoint would need. The
 * page conditions copy the api's (apps/api/src/timelines/timeline.queries.ts,
 * apps/api/src/notifications/notifications.controller.ts); tools cannot import app code, and
 * the bench checks that the floor and the api return the same ids before measuring.
 */

export const PUBLIC_PAGE_SIZE = 20;
export const NOTIFICATIONS_PAGE_SIZE = 20;

const statusColumns = (s: string, prefix: string) =>
  `${s}.id::text AS ${prefix}id, ${s}.uri AS ${prefix}uri, ${s}.url AS ${prefix}url,
   ${s}.local AS ${prefix}local, ${s}.text AS ${prefix}text, ${s}.content AS ${prefix}content,
   ${s}.spoiler_text AS ${prefix}spoiler_text, ${s}.sensitive AS ${prefix}sensitive,
   ${s}.visibility AS ${prefix}visibility, ${s}.language AS ${prefix}language,
   ${s}.in_reply_to_id::text AS ${prefix}in_reply_to_id,
   ${s}.in_reply_to_account_id::text AS ${prefix}in_reply_to_account_id,
   ${s}.reblog_of_id::text AS ${prefix}reblog_of_id, ${s}.replies_count AS ${prefix}replies_count,
   ${s}.reblogs_count AS ${prefix}reblogs_count, ${s}.favourites_count AS ${prefix}favourites_count,
   ${s}.created_at AS ${prefix}created_at, ${s}.edited_at AS ${prefix}edited_at`;

const accountColumns = (a: string, prefix: string) =>
  `${a}.id::text AS ${prefix}id, ${a}.username AS ${prefix}username, ${a}.domain AS ${prefix}domain,
   ${a}.display_name AS ${prefix}display_name, ${a}.note AS ${prefix}note, ${a}.locked AS ${prefix}locked,
   ${a}.bot AS ${prefix}bot, ${a}.discoverable AS ${prefix}discoverable, ${a}.uri AS ${prefix}uri,
   ${a}.url AS ${prefix}url, ${a}.followers_count AS ${prefix}followers_count,
   ${a}.following_count AS ${prefix}following_count, ${a}.statuses_count AS ${prefix}statuses_count,
   ${a}.last_status_at AS ${prefix}last_status_at, ${a}.created_at AS ${prefix}created_at`;

/** `GET /api/v1/timelines/public`: the newest public originals with their authors, one query. */
export const PUBLIC_FLOOR_QUERY = `SELECT ${statusColumns('s', '')}, ${accountColumns('a', 'account_')}
    FROM statuses s JOIN accounts a ON a.id = s.account_id
   WHERE s.visibility = 'public' AND s.reblog_of_id IS NULL
   ORDER BY s.id DESC LIMIT ${PUBLIC_PAGE_SIZE}`;

/**
 * `GET /api/v1/notifications` of $1: the newest notifications with the account that caused each
 * and, when there is one, the status with its author, one query.
 */
export const NOTIFICATIONS_FLOOR_QUERY = `SELECT n.id::text AS id, n.type, n.created_at,
         ${accountColumns('a', 'account_')},
         ${statusColumns('s', 'status_')},
         ${accountColumns('sa', 'status_account_')}
    FROM (SELECT * FROM notifications WHERE account_id = $1 ORDER BY id DESC
          LIMIT ${NOTIFICATIONS_PAGE_SIZE}) n
    JOIN accounts a ON a.id = n.from_account_id
    LEFT JOIN statuses s ON s.id = n.status_id
    LEFT JOIN accounts sa ON sa.id = s.account_id
   ORDER BY n.id DESC`;

/** `POST /api/v1/statuses`, statement 1 of 2 (in one transaction): the status row. */
export const POST_STATUS_INSERT = `INSERT INTO statuses (account_id, local, text, content, visibility)
  VALUES ($1, true, $2, $3, 'public')
  RETURNING ${statusColumns('statuses', '')}`;

/**
 * Statement 2 of 2: the outbox row with the `Create(Note)` and its recipients. Into a copy of
 * `federation_outbox` (same columns and indexes), so the api's outbox relay, which runs in the
 * api process during the floor's rounds, does not pick the floor's rows up.
 */
export const POST_OUTBOX_INSERT = `INSERT INTO bench_floor_outbox (username, activity, recipients, shared_inbox)
  VALUES ($1, $2, $3, true)`;

export const CREATE_FLOOR_OUTBOX = `CREATE TABLE IF NOT EXISTS bench_floor_outbox
  (LIKE federation_outbox INCLUDING ALL)`;
