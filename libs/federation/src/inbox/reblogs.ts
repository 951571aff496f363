import { modifiedRows } from '@fediflow/database';
import type { DataSource } from 'typeorm';
import { withdraw } from './notifications';

export async function isReblog(db: DataSource, uri: URL): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM statuses WHERE uri = $1 AND reblog_of_id IS NOT NULL`,
    [uri.href],
  )) as unknown[];
  return rows.length > 0;
}

/** Removes `announcerId`'s reblog stored under `uri`: counters and the reblog notification. */
export async function undoAnnounce(
  db: DataSource,
  announcerId: string,
  uri: URL,
): Promise<boolean> {
  return db.transaction(async (manager) => {
    const [removed] = modifiedRows<{ original: string; author: string }>(
      await manager.query(
        `DELETE FROM statuses s USING statuses o
          WHERE s.uri = $1 AND s.account_id = $2 AND s.reblog_of_id = o.id
        RETURNING o.id::text AS original, o.account_id::text AS author`,
        [uri.href, announcerId],
      ),
    );
    if (!removed) return false;
    await manager.query(
      `UPDATE statuses SET reblogs_count = greatest(reblogs_count - 1, 0) WHERE id = $1`,
      [removed.original],
    );
    await manager.query(
      `UPDATE accounts SET statuses_count = greatest(statuses_count - 1, 0) WHERE id = $1`,
      [announcerId],
    );
    await withdraw(manager, removed.author, announcerId, 'reblog', removed.original);
    return true;
  });
}
