import { Injectable } from '@nestjs/common';
import { FederationOutbox, type PreparedDelivery } from '@fediflow/federation';
import { Social, type MuteOptions } from '@fediflow/social';
import { DataSource } from 'typeorm';
import { ApiError, ErrorCode } from '../common/api-error';
import type { AccountRow } from '../accounts/account.view';

/**
 * Blocks, mutes and a member's own domain blocks: the writes go through the social layer (which
 * ends the follows they end and announces each change after commit); what remote servers are
 * told goes through the federation outbox in the same transaction.
 */
@Injectable()
export class RelationsService {
  constructor(
    private readonly db: DataSource,
    private readonly social: Social,
    private readonly outbox: FederationOutbox,
  ) {}

  /**
   * Mastodon's BlockService: follows end both ways; a remote target is sent the `Undo(Follow)` of
   * the member's follow, if any, and the `Block`.
   */
  async block(accountId: string, target: AccountRow): Promise<void> {
    const targetId = String(target.id);
    if (accountId === targetId) {
      throw new ApiError(ErrorCode.Unprocessable, 'You cannot block yourself');
    }
    const remote = target.domain !== null;
    const undoFollow = remote ? await this.outbox.prepareUnfollow(accountId, targetId) : undefined;
    await this.social.transaction(async (manager) => {
      await this.outbox.deliver(undoFollow, manager);
      const block = await this.social.blocks.start(manager, accountId, targetId);
      if (block?.created && remote) await this.outbox.blocked(accountId, targetId, manager);
    });
  }

  async unblock(accountId: string, targetId: string): Promise<void> {
    const undo = await this.outbox.prepareUnblock(accountId, targetId);
    await this.social.transaction(async (manager) => {
      if (await this.social.blocks.end(manager, accountId, targetId)) {
        await this.outbox.deliver(undo, manager);
      }
    });
  }

  /** Mutes are private: nothing is federated. */
  async mute(accountId: string, targetId: string, options: MuteOptions): Promise<void> {
    if (accountId === targetId) {
      throw new ApiError(ErrorCode.Unprocessable, 'You cannot mute yourself');
    }
    await this.social.transaction((manager) =>
      this.social.mutes.start(manager, accountId, targetId, options),
    );
  }

  async unmute(accountId: string, targetId: string): Promise<void> {
    await this.social.transaction((manager) => this.social.mutes.end(manager, accountId, targetId));
  }

  /**
   * Mastodon's AfterBlockDomainFromAccountService: the member stops following the domain's
   * accounts (an `Undo(Follow)` each) and they stop following the member (a `Reject` each).
   */
  async blockDomain(accountId: string, domain: string): Promise<void> {
    const follows = await this.social.domainBlocks.followsWith(this.db, accountId, domain);
    const prepared: (PreparedDelivery | undefined)[] = [];
    for (const follow of follows) {
      prepared.push(
        follow.followerId === accountId
          ? await this.outbox.prepareUnfollow(accountId, follow.targetId)
          : ((await this.outbox.prepareFollowerRemoval(accountId, follow.followerId)) ??
              (await this.outbox.prepareFollowAnswer(accountId, follow.followerId, 'reject'))),
      );
    }
    await this.social.transaction(async (manager) => {
      if (!(await this.social.domainBlocks.start(manager, accountId, domain))) return;
      for (const delivery of prepared) await this.outbox.deliver(delivery, manager);
    });
  }

  async unblockDomain(accountId: string, domain: string): Promise<void> {
    await this.social.transaction((manager) =>
      this.social.domainBlocks.end(manager, accountId, domain),
    );
  }
}
