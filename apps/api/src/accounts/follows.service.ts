import { Injectable } from '@nestjs/common';
import { Social } from '@fediflow/social';
import type { EntityManager } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import { FederationOutbox } from '@fediflow/federation';
import type { AccountRow } from './account.view';

/**
 * Follow graph writes. Following a locked (or remote) account creates a request that waits for
 * approval; otherwise the follow is immediate. Counters move in the same transaction.
 */
@Injectable()
export class FollowsService {
  constructor(
    private readonly social: Social,
    private readonly outbox: FederationOutbox,
  ) {}

  async follow(followerId: string, target: AccountRow): Promise<void> {
    if (followerId === String(target.id)) {
      throw new ApiError(ErrorCode.Unprocessable, 'You cannot follow yourself');
    }
    await this.social.transaction(async (manager) => {
      // Mastodon's FollowService: no follow across a block, in either direction.
      if (await this.social.blocks.eitherWay(manager, followerId, String(target.id))) {
        throw new ApiError(ErrorCode.Forbidden, 'This action is not allowed');
      }
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
    const targetId = String(target.id);
    if (await this.social.follows.isFollowing(manager, followerId, targetId)) return;
    if (target.locked || target.domain !== null) {
      await this.social.follows.request(manager, followerId, targetId);
      return;
    }
    await this.social.follows.start(manager, followerId, targetId);
  }

  async unfollow(followerId: string, targetId: string): Promise<void> {
    const undo = await this.outbox.prepareUnfollow(followerId, targetId);
    await this.social.transaction(async (manager) => {
      await this.outbox.deliver(undo, manager);
      await this.social.follows.end(manager, followerId, targetId);
    });
  }

  /** Accepts a pending request (the target approving it); returns false when there was none. */
  async authorize(targetId: string, requesterId: string): Promise<boolean> {
    const accept = await this.outbox.prepareFollowAnswer(targetId, requesterId, 'accept');
    const done = await this.social.transaction(async (manager) => {
      // The request's remote Follow id moves to the follow, so that its later Undo (often by URI
      // alone) finds this follow.
      const accepted = await this.social.follows.accept(manager, requesterId, targetId);
      if (accepted === 'none') return false;
      await this.outbox.deliver(accept, manager);
      return true;
    });
    return done;
  }

  async reject(targetId: string, requesterId: string): Promise<boolean> {
    const rejection = await this.outbox.prepareFollowAnswer(targetId, requesterId, 'reject');
    const done = await this.social.transaction(async (manager) => {
      const removed = await this.social.follows.reject(manager, requesterId, targetId);
      if (removed) await this.outbox.deliver(rejection, manager);
      return removed;
    });
    return done;
  }
}
