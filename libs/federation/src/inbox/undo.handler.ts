import type { InboxContext } from '@fedify/fedify';
import { Announce, Block, Follow, Like, type Undo } from '@fedify/fedify/vocab';
import { isFavourite, undoLike } from './favourites';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localActor, remoteAccountId } from './lookups';
import { isReblog, undoAnnounce } from './reblogs';

/** Undo of the actor's own Announce, Like, Block or Follow (embedded, or named by URI). */
export async function onUndo(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  undo: Undo,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!undo.actorId || !undo.objectId) return 'ignored';
  const remoteId = await remoteAccountId(db, undo.actorId);
  if (!remoteId) return 'ignored';
  // Read before getObject(): once fetched, objectId reports the fetched document's id instead
  // (a Follow id like `…/users/bob#follows/1` fetches bob's actor document).
  const objectUri = undo.objectId;
  // An Undo of something we cannot fetch falls back to the follow's URI below.
  const object: unknown = await undo.getObject(fetchOptions(deps, ctx)).catch(() => null);
  if (
    object instanceof Announce ||
    (!(object instanceof Follow) && (await isReblog(db, objectUri)))
  ) {
    // Only the Undo's own actor's boost is removed (undoAnnounce matches the account).
    const id = object instanceof Announce ? object.id : objectUri;
    return id && (await undoAnnounce(deps, remoteId, id)) ? 'applied' : 'ignored';
  }
  if (
    object instanceof Like ||
    (!(object instanceof Follow) && (await isFavourite(db, objectUri)))
  ) {
    const undone = await undoLike(
      deps,
      ctx,
      remoteId,
      undo.actorId,
      object instanceof Like ? object : objectUri,
    );
    return undone ? 'applied' : 'ignored';
  }
  if (object instanceof Block || (!(object instanceof Follow) && (await isBlock(db, objectUri)))) {
    const id = object instanceof Block ? (object.id ?? objectUri) : objectUri;
    const ended = await social.transaction((manager) =>
      social.blocks.endByUri(manager, remoteId, id.href),
    );
    return ended ? 'applied' : 'ignored';
  }
  let targetId: string | undefined;
  if (object instanceof Follow) {
    if (object.actorId?.href !== undo.actorId.href || !object.objectId) return 'ignored';
    targetId = (await localActor(db, ctx, object.objectId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT target_account_id::text AS id FROM follows WHERE uri = $1 AND account_id = $2
       UNION ALL
       SELECT target_account_id::text FROM follow_requests WHERE uri = $1 AND account_id = $2`,
      [objectUri.href, remoteId],
    )) as { id: string }[];
    targetId = rows[0]?.id;
  }
  if (!targetId) return 'ignored';
  const target = targetId;
  const ended = await social.transaction((manager) =>
    social.follows.end(manager, remoteId, target),
  );
  return ended ? 'applied' : 'ignored';
}

async function isBlock(db: InboxDeps['db'], uri: URL): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM blocks WHERE uri = $1`, [uri.href])) as unknown[];
  return rows.length > 0;
}
