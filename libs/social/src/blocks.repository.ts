import { modifiedRows } from '@fediflow/database';
import type { Announcements } from './announcements';
import type { FollowsRepository } from './follows.repository';
import type { Queryable } from './queryable';

export interface BlockRow {
  id: string;
  /** False when the pair was already blocked (a repeated block, a redelivered Block). */
  created: boolean;
}

/**
 * Blocks, as Mastodon's BlockService leaves them: the follows and follow requests between the two
 * accounts end in both directions, the blocker's notifications from the blocked account are
 * cleared (AfterBlockService), then the block is recorded (a local member's, or a remote
 * actor's Block of a member, by its activity id). Every write runs in the caller's transaction.
 */
export class BlocksRepository {
  constructor(
    private readonly follows: FollowsRepository,
    private readonly announcements: Announcements,
  ) {}

  async start(
    db: Queryable,
    accountId: string,
    targetId: string,
    uri: string | null = null,
  ): Promise<BlockRow | undefined> {
    await this.follows.end(db, accountId, targetId);
    await this.follows.end(db, targetId, accountId);
    await db.query(`DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2`, [
      accountId,
      targetId,
    ]);
    const [row] = (await db.query(
      `INSERT INTO blocks (account_id, target_account_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, target_account_id) DO UPDATE SET uri = coalesce(EXCLUDED.uri, blocks.uri)
       RETURNING id::text AS id, (xmax = 0) AS created`,
      [accountId, targetId, uri],
    )) as BlockRow[];
    if (row?.created) {
      await this.announcements.announce(db, 'blockStarted', {
        viewerId: accountId,
        targetAccountId: targetId,
      });
    }
    return row;
  }

  /** Names a member's block by the id of the Block activity sent for it. */
  async setUri(db: Queryable, blockId: string, uri: string): Promise<void> {
    await db.query(`UPDATE blocks SET uri = $2 WHERE id = $1 AND uri IS NULL`, [blockId, uri]);
  }

  /** Returns whether there was a block to end. */
  async end(db: Queryable, accountId: string, targetId: string): Promise<boolean> {
    const removed = modifiedRows<{ id: string }>(
      await db.query(
        `DELETE FROM blocks WHERE account_id = $1 AND target_account_id = $2 RETURNING id::text AS id`,
        [accountId, targetId],
      ),
    );
    if (removed.length === 0) return false;
    await this.announcements.announce(db, 'blockEnded', {
      viewerId: accountId,
      targetAccountId: targetId,
    });
    return true;
  }

  /** A remote actor's `Undo(Block)` naming its Block by id alone. */
  async endByUri(db: Queryable, accountId: string, uri: string): Promise<boolean> {
    const [row] = (await db.query(
      `SELECT target_account_id::text AS id FROM blocks WHERE account_id = $1 AND uri = $2`,
      [accountId, uri],
    )) as { id: string }[];
    return row ? this.end(db, accountId, row.id) : false;
  }

  /** Either account blocks the other (no follow may start between them). */
  async eitherWay(db: Queryable, a: string, b: string): Promise<boolean> {
    const rows = (await db.query(
      `SELECT 1 FROM blocks WHERE (account_id = $1 AND target_account_id = $2)
                              OR (account_id = $2 AND target_account_id = $1)`,
      [a, b],
    )) as unknown[];
    return rows.length > 0;
  }
}
