import { affectedCount } from '@fediflow/database';
import type { FollowsRepository } from './follows.repository';
import type { Queryable } from './queryable';
import type { StatusesRepository } from './statuses.repository';

/** Account removal, as it touches the rest of the graph. */
export class AccountsRepository {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly statuses: StatusesRepository,
  ) {}

  /**
   * Removes a remote account and everything of it, as Mastodon does on `Delete` of an actor: its
   * statuses (with the reblogs of them), its reblogs and favourites, follows in both directions,
   * follow requests, mentions and the notifications it caused, by cascade; the counters of the
   * accounts and statuses that remain are adjusted first. Local accounts are never touched.
   */
  async deleteRemote(db: Queryable, accountId: string): Promise<boolean> {
    const [remote] = (await db.query(
      `SELECT 1 FROM accounts WHERE id = $1 AND domain IS NOT NULL FOR UPDATE`,
      [accountId],
    )) as unknown[];
    if (!remote) return false;
    await this.follows.endAllOf(db, accountId);
    await this.statuses.deleteAllOf(db, accountId);
    const removed = affectedCount(
      await db.query(`DELETE FROM accounts WHERE id = $1 AND domain IS NOT NULL`, [accountId]),
    );
    return removed > 0;
  }
}
