import { modifiedRows } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { Queryable } from './queryable';

export type RepliesPolicy = 'followed' | 'list' | 'none';

/** Mastodon's List entity, as stored. */
export interface ListRow {
  id: string;
  title: string;
  replies_policy: RepliesPolicy;
  exclusive: boolean;
}

export type ListDraft = Omit<ListRow, 'id'>;

/** Mastodon's limit of lists per account. */
export const MAX_LISTS = 50;

const LIST_COLUMNS = `id::text AS id, title, replies_policy, exclusive`;

/**
 * A member's lists and their members. A member of a list is an account the owner follows
 * (Mastodon's ListAccount belongs to the follow): its row goes, by cascade, when the follow ends.
 * Every method touches the owner's own lists only (`undefined`/false for anyone else's).
 */
export class ListsRepository {
  constructor(private readonly announcements: Announcements) {}

  /** The new list, or `limit` when the owner already has `MAX_LISTS`. */
  async create(db: Queryable, ownerId: string, draft: ListDraft): Promise<ListRow | 'limit'> {
    // Serialises one owner's creations so the limit holds under concurrent requests.
    await db.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [ownerId]);
    const [{ count }] = (await db.query(
      `SELECT count(*)::int AS count FROM lists WHERE account_id = $1`,
      [ownerId],
    )) as [{ count: number }];
    if (count >= MAX_LISTS) return 'limit';
    const [list] = (await db.query(
      `INSERT INTO lists (account_id, title, replies_policy, exclusive) VALUES ($1, $2, $3, $4)
       RETURNING ${LIST_COLUMNS}`,
      [ownerId, draft.title, draft.replies_policy, draft.exclusive],
    )) as ListRow[];
    return list ?? 'limit';
  }

  async update(
    db: Queryable,
    ownerId: string,
    listId: string,
    changes: Partial<ListDraft>,
  ): Promise<ListRow | undefined> {
    const [updated] = modifiedRows<ListRow>(
      await db.query(
        `UPDATE lists SET title = coalesce($3, title), replies_policy = coalesce($4, replies_policy),
                          exclusive = coalesce($5, exclusive)
          WHERE id = $1 AND account_id = $2 RETURNING ${LIST_COLUMNS}`,
        [
          listId,
          ownerId,
          changes.title ?? null,
          changes.replies_policy ?? null,
          changes.exclusive ?? null,
        ],
      ),
    );
    if (updated && changes.exclusive !== undefined) await this.exclusiveChanged(db, ownerId);
    return updated;
  }

  async delete(db: Queryable, ownerId: string, listId: string): Promise<boolean> {
    const [removed] = modifiedRows<{ exclusive: boolean }>(
      await db.query(`DELETE FROM lists WHERE id = $1 AND account_id = $2 RETURNING exclusive`, [
        listId,
        ownerId,
      ]),
    );
    if (removed?.exclusive) await this.exclusiveChanged(db, ownerId);
    return removed !== undefined;
  }

  /**
   * Adds accounts the owner follows to one of their lists. Returns the first account that is not
   * followed (and adds none then), or undefined when all were added.
   */
  async addAccounts(
    db: Queryable,
    listId: string,
    ownerId: string,
    accountIds: readonly string[],
  ): Promise<string | undefined> {
    const follows = (await db.query(
      `SELECT id::text AS id, target_account_id::text AS account_id FROM follows
        WHERE account_id = $1 AND target_account_id = ANY($2::bigint[])`,
      [ownerId, accountIds],
    )) as { id: string; account_id: string }[];
    const followed = new Set(follows.map((follow) => follow.account_id));
    const stranger = accountIds.find((id) => !followed.has(id));
    if (stranger !== undefined) return stranger;
    await db.query(
      `INSERT INTO list_accounts (list_id, account_id, follow_id)
       SELECT l.id, f.account_id, f.id
         FROM lists l, unnest($3::bigint[], $4::bigint[]) AS f(account_id, id)
        WHERE l.id = $1 AND l.account_id = $2
       ON CONFLICT (list_id, account_id) DO NOTHING`,
      [listId, ownerId, follows.map((f) => f.account_id), follows.map((f) => f.id)],
    );
    await this.membersChanged(db, listId, ownerId);
    return undefined;
  }

  async removeAccounts(
    db: Queryable,
    listId: string,
    ownerId: string,
    accountIds: readonly string[],
  ): Promise<void> {
    await db.query(
      `DELETE FROM list_accounts la USING lists l
        WHERE la.list_id = $1 AND l.id = la.list_id AND l.account_id = $2
          AND la.account_id = ANY($3::bigint[])`,
      [listId, ownerId, accountIds],
    );
    await this.membersChanged(db, listId, ownerId);
  }

  private async membersChanged(db: Queryable, listId: string, ownerId: string): Promise<void> {
    const [list] = (await db.query(
      `SELECT exclusive FROM lists WHERE id = $1 AND account_id = $2`,
      [listId, ownerId],
    )) as { exclusive: boolean }[];
    if (list?.exclusive) await this.exclusiveChanged(db, ownerId);
  }

  /** Who is in an exclusive list decides what the owner's home shows. */
  private exclusiveChanged(db: Queryable, ownerId: string): Promise<void> {
    return this.announcements.announce(db, 'exclusiveListsChanged', { viewerId: ownerId });
  }
}
