import { modifiedRows } from '@fediflow/database';
import type { NotificationsRepository } from './notifications.repository';
import type { Queryable } from './queryable';

/** The status favourited: its id and its author's (who is notified). */
export interface StatusTarget {
  id: string;
  accountId: string;
}

/** Favourites: one per account and status, counted in favourites_count (never below zero). */
export class FavouritesRepository {
  constructor(private readonly notifications: NotificationsRepository) {}

  /** Returns false when the account had already favourited the status. */
  async add(
    db: Queryable,
    accountId: string,
    status: StatusTarget,
    uri: string | null = null,
  ): Promise<boolean> {
    const inserted = (await db.query(
      `INSERT INTO favourites (account_id, status_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [accountId, status.id, uri],
    )) as unknown[];
    if (inserted.length === 0) return false;
    await db.query(`UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = $1`, [
      status.id,
    ]);
    await this.notifications.notify(db, {
      accountId: status.accountId,
      fromAccountId: accountId,
      type: 'favourite',
      statusId: status.id,
    });
    return true;
  }

  /** Takes the favourite back with its count and notification; false when there was none. */
  async remove(db: Queryable, accountId: string, statusId: string): Promise<boolean> {
    const [removed] = modifiedRows<{ author: string }>(
      await db.query(
        `DELETE FROM favourites f USING statuses s
          WHERE f.account_id = $1 AND f.status_id = $2 AND s.id = f.status_id
        RETURNING s.account_id::text AS author`,
        [accountId, statusId],
      ),
    );
    if (!removed) return false;
    await db.query(
      `UPDATE statuses SET favourites_count = greatest(favourites_count - 1, 0) WHERE id = $1`,
      [statusId],
    );
    await this.notifications.withdraw(db, {
      accountId: removed.author,
      fromAccountId: accountId,
      type: 'favourite',
      statusId,
    });
    return true;
  }
}
