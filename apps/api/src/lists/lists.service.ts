import { Injectable } from '@nestjs/common';
import { MAX_LISTS, Social, type ListDraft, type ListRow } from '@fediflow/social';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';

/** Mastodon's List entity. */
export type ListJson = ListRow;

const LIST_COLUMNS = `id::text AS id, title, replies_policy, exclusive`;

/**
 * A member's lists: reads here, writes through the social layer. Someone else's list is a 404,
 * as Mastodon answers.
 */
@Injectable()
export class ListsService {
  constructor(
    private readonly db: DataSource,
    private readonly social: Social,
  ) {}

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

  async one(ownerId: string, listId: string): Promise<ListJson> {
    const [list] = (await this.db.query(
      `SELECT ${LIST_COLUMNS} FROM lists WHERE id = $1 AND account_id = $2`,
      [listId, ownerId],
    )) as ListJson[];
    if (!list) throw ApiError.notFound();
    return list;
  }

  async create(ownerId: string, draft: ListDraft): Promise<ListJson> {
    const list = await this.social.transaction((manager) =>
      this.social.lists.create(manager, ownerId, draft),
    );
    if (list === 'limit') {
      throw new ApiError(ErrorCode.Unprocessable, `You cannot have more than ${MAX_LISTS} lists`);
    }
    return list;
  }

  async update(ownerId: string, listId: string, changes: Partial<ListDraft>): Promise<ListJson> {
    const list = await this.social.lists.update(this.db, ownerId, listId, changes);
    if (!list) throw ApiError.notFound();
    return list;
  }

  async remove(ownerId: string, listId: string): Promise<void> {
    if (!(await this.social.lists.delete(this.db, ownerId, listId))) throw ApiError.notFound();
  }

  /** Only accounts the owner follows (Mastodon's ListAccount); any other adds nothing, a 404. */
  async addAccounts(ownerId: string, listId: string, accountIds: string[]): Promise<void> {
    await this.one(ownerId, listId);
    const stranger = await this.social.transaction((manager) =>
      this.social.lists.addAccounts(manager, listId, ownerId, accountIds),
    );
    if (stranger !== undefined) {
      throw new ApiError(
        ErrorCode.NotFound,
        `Account ${stranger} is not followed: only accounts you follow can be added to a list`,
      );
    }
  }

  async removeAccounts(ownerId: string, listId: string, accountIds: string[]): Promise<void> {
    await this.one(ownerId, listId);
    await this.social.lists.removeAccounts(this.db, listId, ownerId, accountIds);
  }
}
