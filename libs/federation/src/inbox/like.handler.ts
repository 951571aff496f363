import type { InboxContext } from '@fedify/fedify';
import type { Like } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { localStatus, remoteAccountId } from './lookups';
import { notify } from './notifications';
import { upsertRemoteActor } from './remote-actors';

/** A remote favourite of a local status (one its author lets the liker see). */
export async function onLike(db: DataSource, ctx: InboxContext<void>, like: Like): Promise<void> {
  if (!like.actorId || !like.objectId) return;
  const status = await localStatus(db, ctx, like.objectId);
  if (!status) return;
  let likerId = await remoteAccountId(db, like.actorId);
  if (!likerId) {
    const actor = await like.getActor(ctx).catch(() => null);
    if (!actor || actor.id?.href !== like.actorId.href) return;
    likerId = await upsertRemoteActor(db, actor);
    if (!likerId) return;
  }
  const liker = likerId;
  if (status.visibility === 'direct') return;
  if (status.visibility === 'private') {
    const follows = (await db.query(
      `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
      [liker, status.account_id],
    )) as unknown[];
    if (follows.length === 0) return;
  }
  await db.transaction(async (manager) => {
    const inserted = (await manager.query(
      `INSERT INTO favourites (account_id, status_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [liker, status.id, like.id?.href ?? null],
    )) as unknown[];
    if (inserted.length === 0) return;
    await manager.query(
      `UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = $1`,
      [status.id],
    );
    await notify(manager, status.account_id, liker, 'favourite', status.id);
  });
}
