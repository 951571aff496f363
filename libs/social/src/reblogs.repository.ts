import type { NotificationsRepository } from './notifications.repository';
import type { Queryable } from './queryable';
import type { StatusesRepository } from './statuses.repository';
import type { StatusTarget } from './favourites.repository';

export interface NewReblog {
  accountId: string;
  original: StatusTarget;
  local: boolean;
  visibility: 'public' | 'unlisted' | 'private' | 'direct';
  /** The Announce's id, for a remote reblog. */
  uri?: string | null;
}

/**
 * Reblogs are statuses (`reblog_of_id`): one per account and original, counted in the
 * original's reblogs_count and the reblogger's statuses_count; the original's author is notified.
 */
export class ReblogsRepository {
  constructor(
    private readonly statuses: StatusesRepository,
    private readonly notifications: NotificationsRepository,
  ) {}

  /** Returns the new reblog's id, or undefined when it already existed. */
  async add(db: Queryable, reblog: NewReblog): Promise<string | undefined> {
    const [inserted] = (await db.query(
      `INSERT INTO statuses (account_id, local, uri, visibility, reblog_of_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING id::text AS id`,
      [reblog.accountId, reblog.local, reblog.uri ?? null, reblog.visibility, reblog.original.id],
    )) as { id: string }[];
    if (!inserted) return undefined;
    await this.statuses.created(db, {
      statusId: inserted.id,
      accountId: reblog.accountId,
      inReplyToId: null,
      reblogOfId: reblog.original.id,
    });
    await this.notifications.notify(db, {
      accountId: reblog.original.accountId,
      fromAccountId: reblog.accountId,
      type: 'reblog',
      statusId: reblog.original.id,
    });
    return inserted.id;
  }

  /** The account's reblog of `originalId` goes (unreblog); false when there was none. */
  async removeOf(db: Queryable, accountId: string, originalId: string): Promise<boolean> {
    return this.removeWhere(db, `account_id = $1 AND reblog_of_id = $2`, [accountId, originalId]);
  }

  /** The account's reblog stored under `uri` goes (Undo(Announce)); false when there was none. */
  async removeByUri(db: Queryable, accountId: string, uri: string): Promise<boolean> {
    return this.removeWhere(db, `account_id = $1 AND uri = $2 AND reblog_of_id IS NOT NULL`, [
      accountId,
      uri,
    ]);
  }

  private async removeWhere(db: Queryable, condition: string, params: string[]): Promise<boolean> {
    const rows = (await db.query(
      `SELECT id::text AS id FROM statuses WHERE ${condition} FOR UPDATE`,
      params,
    )) as { id: string }[];
    let removed = false;
    for (const row of rows) removed = (await this.statuses.delete(db, row.id)) || removed;
    return removed;
  }
}
