import type { InboxContext } from '@fedify/fedify';
import type { Delete } from '@fedify/fedify/vocab';
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
    return (await deleteRemoteAccount(deps, actorUri)) ? 'applied' : 'ignored';
  }
  if (objectUri.origin !== actorUri.origin) return 'ignored';
  const { social } = deps;
  return social.transaction(async (manager) => {
    const [status] = (await manager.query(
      `SELECT s.id::text AS id FROM statuses s JOIN accounts a ON a.id = s.account_id
        WHERE s.uri = $1 AND a.uri = $2 AND NOT s.local
        FOR UPDATE OF s`,
      [objectUri.href, actorUri.href],
    )) as { id: string }[];
    if (!status) return 'ignored';
    return (await social.statuses.delete(manager, status.id)) ? 'applied' : 'ignored';
  });
}
