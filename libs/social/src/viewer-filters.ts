/**
 * What a member has chosen not to see (`$1` is the viewer, NULL when anonymous: nothing is
 * filtered then): accounts they block or that block them, accounts they mute (while the mute
 * lasts), and accounts of domains they block. Used by every timeline, threads and notifications.
 */

/** Is the account `account` (an SQL expression) hidden from `viewer` (an SQL expression)? */
export function hiddenAccount(
  account: string,
  options: { mutes: 'all' | 'notifications' },
  viewer = '$1',
): string {
  const muteKind = options.mutes === 'notifications' ? 'AND fm.hide_notifications' : '';
  return `(EXISTS (SELECT 1 FROM blocks fb WHERE fb.account_id = ${viewer} AND fb.target_account_id = ${account})
    OR EXISTS (SELECT 1 FROM blocks fb WHERE fb.account_id = ${account} AND fb.target_account_id = ${viewer})
    OR EXISTS (SELECT 1 FROM mutes fm WHERE fm.account_id = ${viewer} AND fm.target_account_id = ${account}
                  ${muteKind} AND (fm.expires_at IS NULL OR fm.expires_at > now()))
    OR EXISTS (SELECT 1 FROM account_domain_blocks fd JOIN accounts fa ON fa.domain = fd.domain
                WHERE fd.account_id = ${viewer} AND fa.id = ${account}))`;
}

/**
 * For a reblog `s`: the reblogged author is not hidden from the viewer. The half of
 * `NOT_FILTERED_FOR_VIEWER` left for queries that already left hidden authors out (the home
 * timeline filters its list of authors once instead of every candidate status).
 */
export const REBLOG_NOT_FILTERED_FOR_VIEWER = `(s.reblog_of_id IS NULL OR NOT EXISTS (
  SELECT 1 FROM statuses fo WHERE fo.id = s.reblog_of_id
     AND ${hiddenAccount('fo.account_id', { mutes: 'all' })}))`;

/**
 * SQL predicate on status `s`: neither its author nor, for a reblog, the reblogged author is
 * hidden from the viewer (Mastodon's FeedManager and StatusFilter rules).
 */
export const NOT_FILTERED_FOR_VIEWER = `(NOT ${hiddenAccount('s.account_id', { mutes: 'all' })}
  AND ${REBLOG_NOT_FILTERED_FOR_VIEWER})`;

/**
 * SQL predicate on notification `n`: not from an account the viewer blocks or is blocked by, nor
 * from a domain they block, nor from an account muted with its notifications.
 */
export const NOTIFICATION_NOT_FILTERED = `NOT ${hiddenAccount('n.from_account_id', { mutes: 'notifications' })}`;
