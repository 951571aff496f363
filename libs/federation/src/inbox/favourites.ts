import type { InboxContext } from '@fedify/fedify';
import { Like } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import type { InboxDeps } from './inbox-deps';
import { localStatus } from './lookups';

export async function isFavourite(db: DataSource, uri: URL): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM favourites WHERE uri = $1`, [uri.href])) as unknown[];
  return rows.length > 0;
}

/** Removes `likerId`'s favourite named by the Like (embedded) or its URI: counter, notification. */
export async function undoLike(
  { db, social }: InboxDeps,
  ctx: InboxContext<void>,
  likerId: string,
  actorUri: URL,
  like: Like | URL,
): Promise<boolean> {
  let statusId: string | undefined;
  if (like instanceof Like) {
    if (like.actorId?.href !== actorUri.href || !like.objectId) return false;
    statusId = (await localStatus(db, ctx, like.objectId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT status_id::text AS id FROM favourites WHERE uri = $1 AND account_id = $2`,
      [like.href, likerId],
    )) as { id: string }[];
    statusId = rows[0]?.id;
  }
  if (!statusId) return false;
  const status = statusId;
  return social.transaction((manager) => social.favourites.remove(manager, likerId, status));
}
