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

/** For a reblog `status` (an alias): the reblogged author is not hidden from `viewer`. */
export function reblogNotHidden(status: string, viewer = '$1'): string {
  return `(${status}.reblog_of_id IS NULL OR NOT EXISTS (
    SELECT 1 FROM statuses fo WHERE fo.id = ${status}.reblog_of_id
       AND ${hiddenAccount('fo.account_id', { mutes: 'all' }, viewer)}))`;
}

/**
 * Neither the author of `status` (an alias) nor, for a reblog, the reblogged author is hidden from
 * `viewer` (Mastodon's FeedManager and StatusFilter rules).
 */
export function notHidden(status: string, viewer = '$1'): string {
  return `(NOT ${hiddenAccount(`${status}.account_id`, { mutes: 'all' }, viewer)}
    AND ${reblogNotHidden(status, viewer)})`;
}

/** SQL predicate on status `s` for the viewer `$1`: `notHidden`. */
export const NOT_FILTERED_FOR_VIEWER = notHidden('s');

/**
 * SQL predicate on notification `n`: not from an account the viewer blocks or is blocked by, nor
 * from a domain they block, nor from an account muted with its notifications.
 */
export const NOTIFICATION_NOT_FILTERED = `NOT ${hiddenAccount('n.from_account_id', { mutes: 'notifications' })}`;
