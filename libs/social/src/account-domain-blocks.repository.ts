import { affectedCount } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { FollowsRepository } from './follows.repository';
import type { Queryable } from './queryable';

/** A follow between a member and an account of a domain they block. */
export interface DomainFollow {
  followerId: string;
  targetId: string;
}

/**
 * A member's own domain blocks (not the admin's `domain_blocks`). Blocking a domain ends the
 * member's follows of its accounts and their follows of the member, as Mastodon's
 * AfterBlockDomainFromAccountService does.
 */
export class AccountDomainBlocksRepository {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly announcements: Announcements,
  ) {}

  /**
   * The follows (and requests) in either direction between the member and the domain's accounts:
   * what blocking it will end (read first, so their Undo/Reject can be prepared).
   */
  async followsWith(db: Queryable, accountId: string, domain: string): Promise<DomainFollow[]> {
    return (await db.query(
      `SELECT g.account_id::text AS "followerId", g.target_account_id::text AS "targetId"
         FROM (SELECT account_id, target_account_id FROM follows
               UNION SELECT account_id, target_account_id FROM follow_requests) g
         JOIN accounts a ON a.id = CASE WHEN g.account_id = $1 THEN g.target_account_id
                                        ELSE g.account_id END
        WHERE (g.account_id = $1 OR g.target_account_id = $1) AND a.domain = $2`,
      [accountId, domain],
    )) as DomainFollow[];
  }

  /** Returns false when the domain was already blocked (nothing changes then). */
  async start(db: Queryable, accountId: string, domain: string): Promise<boolean> {
    const created = (await db.query(
      `INSERT INTO account_domain_blocks (account_id, domain) VALUES ($1, $2)
       ON CONFLICT (account_id, domain) DO NOTHING RETURNING id`,
      [accountId, domain],
    )) as unknown[];
    if (created.length === 0) return false;
    for (const follow of await this.followsWith(db, accountId, domain)) {
      await this.follows.end(db, follow.followerId, follow.targetId);
    }
    await this.announcements.announce(db, 'domainBlockStarted', { viewerId: accountId, domain });
    return true;
  }

  async end(db: Queryable, accountId: string, domain: string): Promise<boolean> {
    const removed = affectedCount(
      await db.query(`DELETE FROM account_domain_blocks WHERE account_id = $1 AND domain = $2`, [
        accountId,
        domain,
      ]),
    );
    if (removed === 0) return false;
    await this.announcements.announce(db, 'domainBlockEnded', { viewerId: accountId, domain });
    return true;
  }
}
