import type { InboxContext } from '@fedify/fedify';
import { Like } from '@fedify/fedify/vocab';
import { modifiedRows } from '@fediflow/database';
import type { DataSource } from 'typeorm';
import { localStatus } from './lookups';
import { withdraw } from './notifications';

export async function isFavourite(db: DataSource, uri: URL): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM favourites WHERE uri = $1`, [uri.href])) as unknown[];
  return rows.length > 0;
}

/** Removes `likerId`'s favourite named by the Like (embedded) or its URI: counter, notification. */
export async function undoLike(
  db: DataSource,
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
  return db.transaction(async (manager) => {
    const [removed] = modifiedRows<{ author: string }>(
      await manager.query(
        `DELETE FROM favourites f USING statuses s
          WHERE f.account_id = $1 AND f.status_id = $2 AND s.id = f.status_id
        RETURNING s.account_id::text AS author`,
        [likerId, status],
      ),
    );
    if (!removed) return false;
    await manager.query(
      `UPDATE statuses SET favourites_count = greatest(favourites_count - 1, 0) WHERE id = $1`,
      [status],
    );
    await withdraw(manager, removed.author, likerId, 'favourite', status);
    return true;
  });
}
