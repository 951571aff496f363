import { Injectable } from '@nestjs/common';
import { affectedCount, modifiedRows } from '@fediflow/database';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import { FederationOutbox } from '@fediflow/federation';
import { Notifier } from '../notifications/notifier';
import type { AccountRow } from './account.view';

/**
 * Follow graph writes. Following a locked (or remote) account creates a request that waits for
 * approval; otherwise the follow is immediate. Counters move in the same transaction.
 */
@Injectable()
export class FollowsService {
  constructor(
    private readonly db: DataSource,
    private readonly notifier: Notifier,
    private readonly outbox: FederationOutbox,
  ) {}

  async follow(followerId: string, target: AccountRow): Promise<void> {
    if (followerId === String(target.id)) {
      throw new ApiError(ErrorCode.Unprocessable, 'You cannot follow yourself');
    }
    await this.db.transaction(async (manager) => {
      await this.followInTransaction(manager, followerId, target);
      if (target.domain !== null)
        await this.outbox.followed(followerId, String(target.id), manager);
    });
  }

  /** The follow itself, or a request waiting for approval (locked or remote account). */
  private async followInTransaction(
    manager: EntityManager,
    followerId: string,
    target: AccountRow,
  ): Promise<void> {
    const [existing] = await manager.query(
      `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
      [followerId, target.id],
    );
    if (existing) return;
    if (target.locked || target.domain !== null) {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO follow_requests (account_id, target_account_id) VALUES ($1, $2)
         ON CONFLICT DO NOTHING RETURNING id`,
        [followerId, target.id],
      );
      if (inserted.length > 0) {
        await this.notifier.notify(manager, {
          accountId: target.id,
          fromAccountId: followerId,
          type: 'follow_request',
        });
      }
      return;
    }
    await this.createFollow(manager, followerId, String(target.id));
  }

  async unfollow(followerId: string, targetId: string): Promise<void> {
    const undo = await this.outbox.prepareUnfollow(followerId, targetId);
    await this.db.transaction(async (manager) => {
      await this.outbox.deliver(undo, manager);
      await manager.query(
        `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
        [followerId, targetId],
      );
      const removed = affectedCount(
        await manager.query(
          `DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2`,
          [followerId, targetId],
        ),
      );
      if (removed > 0) await this.moveCounters(manager, followerId, targetId, -1);
    });
  }

  /** Accepts a pending request (the target approving it); returns false when there was none. */
  async authorize(targetId: string, requesterId: string): Promise<boolean> {
    const accept = await this.outbox.prepareFollowAnswer(targetId, requesterId, 'accept');
    const done = await this.db.transaction(async (manager) => {
      const [request] = modifiedRows<{ uri: string | null }>(
        await manager.query(
          `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2
           RETURNING uri`,
          [requesterId, targetId],
        ),
      );
      if (!request) return false;
      await manager.query(
        `DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND type = 'follow_request'`,
        [targetId, requesterId],
      );
      // A remote Follow's id, so that its later Undo (often by URI alone) finds this follow.
      await this.createFollow(manager, requesterId, targetId, request.uri);
      await this.outbox.deliver(accept, manager);
      return true;
    });
    return done;
  }

  async reject(targetId: string, requesterId: string): Promise<boolean> {
    const rejection = await this.outbox.prepareFollowAnswer(targetId, requesterId, 'reject');
    const done = await this.db.transaction(async (manager) => {
      const removed = affectedCount(
        await manager.query(
          `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
          [requesterId, targetId],
        ),
      );
      await manager.query(
        `DELETE FROM notifications WHERE account_id = $1 AND from_account_id = $2 AND type = 'follow_request'`,
        [targetId, requesterId],
      );
      if (removed > 0) await this.outbox.deliver(rejection, manager);
      return removed > 0;
    });
    return done;
  }

  private async createFollow(
    manager: EntityManager,
    followerId: string,
    targetId: string,
    uri: string | null = null,
  ): Promise<void> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO follows (account_id, target_account_id, uri) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING id`,
      [followerId, targetId, uri],
    );
    if (inserted.length === 0) return;
    await this.moveCounters(manager, followerId, targetId, 1);
    await this.notifier.notify(manager, {
      accountId: targetId,
      fromAccountId: followerId,
      type: 'follow',
    });
  }

  private async moveCounters(
    manager: EntityManager,
    followerId: string,
    targetId: string,
    by: 1 | -1,
  ) {
    await manager.query(
      `UPDATE accounts SET following_count = greatest(following_count + $2, 0) WHERE id = $1`,
      [followerId, by],
    );
    await manager.query(
      `UPDATE accounts SET followers_count = greatest(followers_count + $2, 0) WHERE id = $1`,
      [targetId, by],
    );
  }
}
