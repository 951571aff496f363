import type { InboxContext } from '@fedify/fedify';
import type { Delete } from '@fedify/fedify/vocab';
import { modifiedRows } from '@fediflow/database';
import type { HandlerOutcome, InboxDeps } from './inbox-deps';
import { deleteRemoteAccount } from './remote-account-deletion';

/**
 * A Delete by its author of a post (our copy goes) or of the actor itself (object = actor, as
 * Mastodon sends it: the account and all its data go). A Delete of anything else is ignored.
 */
export async function onDelete(
  deps: InboxDeps,
  _ctx: InboxContext<void>,
  del: Delete,
): Promise<HandlerOutcome> {
  if (!del.actorId || !del.objectId) return 'ignored';
  const actorUri = del.actorId;
  const objectUri = del.objectId;
  if (objectUri.href === actorUri.href) {
    return (await deleteRemoteAccount(deps.db, actorUri)) ? 'applied' : 'ignored';
  }
  if (objectUri.origin !== actorUri.origin) return 'ignored';
  return deps.db.transaction(async (manager) => {
    const [removed] = modifiedRows<{ account_id: string; in_reply_to_id: string | null }>(
      await manager.query(
        `DELETE FROM statuses s USING accounts a
          WHERE s.uri = $1 AND a.id = s.account_id AND a.uri = $2 AND NOT s.local
        RETURNING s.account_id::text AS account_id, s.in_reply_to_id::text AS in_reply_to_id`,
        [objectUri.href, actorUri.href],
      ),
    );
    if (!removed) return 'ignored';
    await manager.query(
      `UPDATE accounts SET statuses_count = greatest(statuses_count - 1, 0) WHERE id = $1`,
      [removed.account_id],
    );
    if (removed.in_reply_to_id) {
      await manager.query(
        `UPDATE statuses SET replies_count = greatest(replies_count - 1, 0) WHERE id = $1`,
        [removed.in_reply_to_id],
      );
    }
    return 'applied';
  });
}
