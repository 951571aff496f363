import type { InboxContext } from '@fedify/fedify';
import { Announce, Follow, Like, type Undo } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { isFavourite, undoLike } from './favourites';
import { endFollow } from './follow-graph';
import { localActor, remoteAccountId } from './lookups';
import { isReblog, undoAnnounce } from './reblogs';

/** Undo of the actor's own Announce, Like or Follow (embedded, or named by URI). */
export async function onUndo(db: DataSource, ctx: InboxContext<void>, undo: Undo): Promise<void> {
  if (!undo.actorId || !undo.objectId) return;
  const remoteId = await remoteAccountId(db, undo.actorId);
  if (!remoteId) return;
  // An Undo of something we cannot fetch falls back to the follow's URI below.
  const object: unknown = await undo.getObject(ctx).catch(() => null);
  if (
    object instanceof Announce ||
    (!(object instanceof Follow) && (await isReblog(db, undo.objectId)))
  ) {
    // Only the Undo's own actor's boost is removed (undoAnnounce matches the account).
    const id = object instanceof Announce ? object.id : undo.objectId;
    if (id) await undoAnnounce(db, remoteId, id);
    return;
  }
  if (
    object instanceof Like ||
    (!(object instanceof Follow) && (await isFavourite(db, undo.objectId)))
  ) {
    await undoLike(
      db,
      ctx,
      remoteId,
      undo.actorId,
      object instanceof Like ? object : undo.objectId,
    );
    return;
  }
  let targetId: string | undefined;
  if (object instanceof Follow) {
    if (object.actorId?.href !== undo.actorId.href || !object.objectId) return;
    targetId = (await localActor(db, ctx, object.objectId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT target_account_id::text AS id FROM follows WHERE uri = $1 AND account_id = $2
       UNION ALL
       SELECT target_account_id::text FROM follow_requests WHERE uri = $1 AND account_id = $2`,
      [undo.objectId.href, remoteId],
    )) as { id: string }[];
    targetId = rows[0]?.id;
  }
  if (!targetId) return;
  await endFollow(db, remoteId, targetId);
}
