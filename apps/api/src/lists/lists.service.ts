import { Injectable } from '@nestjs/common';
import { affectedCount, modifiedRows } from '@fediflow/database';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';

export type RepliesPolicy = 'followed' | 'list' | 'none';

/** Mastodon's List entity. */
export interface ListJson {
  id: string;
  title: string;
  replies_policy: RepliesPolicy;
  exclusive: boolean;
}

export interface ListDraft {
  title: string;
  replies_policy: RepliesPolicy;
  exclusive: boolean;
}

/** Mastodon's limit of lists per account. */
export const MAX_LISTS = 50;

const LIST_COLUMNS = `id::text AS id, title, replies_policy, exclusive`;

/**
 * A member's lists and their members. A member of a list is an account the owner follows
 * (Mastodon's ListAccount belongs to the follow): its row goes when the follow ends.
 */
@Injectable()
export class ListsService {
  constructor(private readonly db: DataSource) {}

  all(ownerId: string): Promise<ListJson[]> {
    return this.db.query(`SELECT ${LIST_COLUMNS} FROM lists WHERE account_id = $1 ORDER BY id`, [
      ownerId,
    ]);
  }

  /** The owner's lists that hold `accountId`. */
  containing(ownerId: string, accountId: string): Promise<ListJson[]> {
    return this.db.query(
      `SELECT ${LIST_COLUMNS} FROM lists l
        WHERE l.account_id = $1
          AND EXISTS (SELECT 1 FROM list_accounts la WHERE la.list_id = l.id AND la.account_id = $2)
        ORDER BY l.id`,
      [ownerId, accountId],
    );
  }

  /** One of the owner's lists; someone else's is a 404, as Mastodon answers. */
  async one(ownerId: string, listId: string): Promise<ListJson> {
    const [list] = (await this.db.query(
      `SELECT ${LIST_COLUMNS} FROM lists WHERE id = $1 AND account_id = $2`,
      [listId, ownerId],
    )) as ListJson[];
    if (!list) throw ApiError.notFound();
    return list;
  }

  async create(ownerId: string, draft: ListDraft): Promise<ListJson> {
    return this.db.transaction(async (manager) => {
      // Serialises one owner's creations so the limit holds under concurrent requests.
      await manager.query(`SELECT 1 FROM accounts WHERE id = $1 FOR UPDATE`, [ownerId]);
      const [{ count }] = (await manager.query(
        `SELECT count(*)::int AS count FROM lists WHERE account_id = $1`,
        [ownerId],
      )) as [{ count: number }];
      if (count >= MAX_LISTS) {
        throw new ApiError(ErrorCode.Unprocessable, `You cannot have more than ${MAX_LISTS} lists`);
      }
      const [list] = (await manager.query(
        `INSERT INTO lists (account_id, title, replies_policy, exclusive) VALUES ($1, $2, $3, $4)
         RETURNING ${LIST_COLUMNS}`,
        [ownerId, draft.title, draft.replies_policy, draft.exclusive],
      )) as ListJson[];
      return list!;
    });
  }

  async update(ownerId: string, listId: string, changes: Partial<ListDraft>): Promise<ListJson> {
    const [updated] = modifiedRows<ListJson>(
      await this.db.query(
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
    if (!updated) throw ApiError.notFound();
    return updated;
  }

  async remove(ownerId: string, listId: string): Promise<void> {
    const removed = affectedCount(
      await this.db.query(`DELETE FROM lists WHERE id = $1 AND account_id = $2`, [listId, ownerId]),
    );
    if (removed === 0) throw ApiError.notFound();
  }

  /** Adds accounts the owner follows; any other (or unknown) account is a 404 and adds nothing. */
  async addAccounts(ownerId: string, listId: string, accountIds: string[]): Promise<void> {
    await this.one(ownerId, listId);
    await this.db.transaction(async (manager) => {
      const follows = (await manager.query(
        `SELECT id::text AS id, target_account_id::text AS account_id FROM follows
          WHERE account_id = $1 AND target_account_id = ANY($2::bigint[])`,
        [ownerId, accountIds],
      )) as { id: string; account_id: string }[];
      const followed = new Set(follows.map((follow) => follow.account_id));
      const stranger = accountIds.find((id) => !followed.has(id));
      if (stranger !== undefined) {
        throw new ApiError(
          ErrorCode.NotFound,
          `Account ${stranger} is not followed: only accounts you follow can be added to a list`,
        );
      }
      await manager.query(
        `INSERT INTO list_accounts (list_id, account_id, follow_id)
         SELECT $1, account_id, id FROM unnest($2::bigint[], $3::bigint[]) AS f(account_id, id)
         ON CONFLICT (list_id, account_id) DO NOTHING`,
        [listId, follows.map((f) => f.account_id), follows.map((f) => f.id)],
      );
    });
  }

  async removeAccounts(ownerId: string, listId: string, accountIds: string[]): Promise<void> {
    await this.one(ownerId, listId);
    await this.db.query(
      `DELETE FROM list_accounts WHERE list_id = $1 AND account_id = ANY($2::bigint[])`,
      [listId, accountIds],
    );
  }
}
