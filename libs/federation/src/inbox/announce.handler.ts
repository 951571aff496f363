import type { InboxContext } from '@fedify/fedify';
import { PUBLIC_COLLECTION, type Announce } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { followedHere, localStatus, remoteAccountId, type Visibility } from './lookups';
import { notify } from './notifications';
import { upsertRemoteActor } from './remote-actors';

/**
 * A boost of a status we have (a local one, or a stored remote one), public or unlisted: stored as
 * the announcer's reblog when a member here follows them, or when the status is local (its author
 * is notified). Boosts of statuses we do not have are ignored for now.
 */
export async function onAnnounce(
  db: DataSource,
  ctx: InboxContext<void>,
  announce: Announce,
): Promise<void> {
  if (!announce.id || !announce.actorId || !announce.objectId) return;
  if (announce.id.origin !== announce.actorId.origin) return;
  const objectUri = announce.objectId;
  const local = await localStatus(db, ctx, objectUri);
  const original =
    local ??
    (
      (await db.query(
        `SELECT id::text AS id, account_id::text AS account_id, visibility FROM statuses
          WHERE uri = $1 AND reblog_of_id IS NULL`,
        [objectUri.href],
      )) as { id: string; account_id: string; visibility: Visibility }[]
    )[0];
  if (!original || (original.visibility !== 'public' && original.visibility !== 'unlisted')) return;
  let announcerId = await remoteAccountId(db, announce.actorId);
  const followed = announcerId !== undefined && (await followedHere(db, announcerId));
  if (!followed && !local) return;
  if (!announcerId) {
    const actor = await announce.getActor(ctx).catch(() => null);
    if (!actor || actor.id?.href !== announce.actorId.href) return;
    announcerId = await upsertRemoteActor(db, actor);
    if (!announcerId) return;
  }
  const announcer = announcerId;
  const audience = [...announce.toIds, ...announce.ccIds].map((u) => u.href);
  const visibility = announce.toIds.some((u) => u.href === PUBLIC_COLLECTION.href)
    ? 'public'
    : audience.includes(PUBLIC_COLLECTION.href)
      ? 'unlisted'
      : 'private';
  await db.transaction(async (manager) => {
    const inserted = (await manager.query(
      `INSERT INTO statuses (account_id, local, uri, visibility, reblog_of_id)
       VALUES ($1, false, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
      [announcer, announce.id!.href, visibility, original.id],
    )) as unknown[];
    if (inserted.length === 0) return;
    await manager.query(`UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = $1`, [
      original.id,
    ]);
    await manager.query(`UPDATE accounts SET statuses_count = statuses_count + 1 WHERE id = $1`, [
      announcer,
    ]);
    await notify(manager, original.account_id, announcer, 'reblog', original.id);
  });
}
