import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, type CommonConfig } from '@fediflow/config';
import type { Context } from '@fedify/fedify';
import { DataSource } from 'typeorm';
import { FederationRuntime } from '../federation-core.module';
import { blockDelivery, unblockDelivery } from './block-deliveries';
import { followAnswerDelivery, followDelivery, unfollowDelivery } from './follow-deliveries';
import { OutboxRelay, type OutboxDelivery } from './outbox-relay';
import { announceDelivery, likeDelivery } from './reaction-deliveries';
import type { Queryable } from './recipients';
import { profileDelivery, statusDelivery } from './status-deliveries';

/**
 * A delivery prepared before a transaction whose rows it needs (a deletion), recorded in the
 * outbox by that transaction (`deliver`).
 */
export type PreparedDelivery = OutboxDelivery;

/**
 * Sends what members do to the remote servers concerned. Each method takes the action's
 * transaction (`db`) and records the activity and its recipients in the transactional outbox
 * there; the relay hands it to Fedify's queue once committed (`OutboxRelay`) and the workers
 * sign and deliver it. What an undoing action removes is read before its transaction
 * (`prepare*`) and recorded in it (`deliver`). A failure to build an activity is logged and
 * never fails the member's request. With FEDERATION_ENABLED=false nothing is sent.
 */
@Injectable()
export class FederationOutbox {
  private readonly logger = new Logger(FederationOutbox.name);

  constructor(
    private readonly runtime: FederationRuntime,
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: CommonConfig,
    private readonly relay: OutboxRelay,
  ) {}

  /** A follow request to a remote account: a `Follow` with the request's stable URI. */
  followed(followerId: string, targetId: string, db: Queryable): Promise<void> {
    return this.record('Follow', db, () =>
      followDelivery(db, this.context(), followerId, targetId),
    );
  }

  /** Before an unfollow's transaction: the `Undo(Follow)` of the follow (or request) it removes. */
  prepareUnfollow(followerId: string, targetId: string): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Follow)', () => unfollowDelivery(this.db, followerId, targetId));
  }

  /** A block of a remote account: a `Block` of that actor, to its inbox. */
  blocked(accountId: string, targetId: string, db: Queryable): Promise<void> {
    return this.record('Block', db, () => blockDelivery(db, this.context(), accountId, targetId));
  }

  /** Before an unblock's transaction: the `Undo(Block)` of the block it removes. */
  prepareUnblock(accountId: string, targetId: string): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Block)', () => unblockDelivery(this.db, accountId, targetId));
  }

  /**
   * Before a member's domain block ends a remote account's follow of them: the `Reject` of that
   * Follow (Mastodon's AfterBlockDomainFromAccountService rejects such followers).
   */
  prepareFollowerRemoval(
    targetId: string,
    followerId: string,
  ): Promise<PreparedDelivery | undefined> {
    return this.safely('Reject(Follow)', () =>
      followAnswerDelivery(this.db, targetId, followerId, 'reject', 'follows'),
    );
  }

  /**
   * Before approving or rejecting a remote actor's follow request (its row is deleted by the
   * transaction): the `Accept`/`Reject` of their Follow, sent to their inbox.
   */
  prepareFollowAnswer(
    targetId: string,
    requesterId: string,
    answer: 'accept' | 'reject',
  ): Promise<PreparedDelivery | undefined> {
    return this.safely(answer === 'accept' ? 'Accept(Follow)' : 'Reject(Follow)', () =>
      followAnswerDelivery(this.db, targetId, requesterId, answer),
    );
  }

  /** A new status: `Create(Note)` to the author's remote followers and the remote mentioned. */
  statusCreated(authorId: string, statusId: string, db: Queryable): Promise<void> {
    return this.record('Create(Note)', db, () =>
      statusDelivery(db, this.context(), authorId, statusId, 'created'),
    );
  }

  /** An edited status: `Update(Note)` to the same audience. */
  statusEdited(authorId: string, statusId: string, db: Queryable): Promise<void> {
    return this.record('Update(Note)', db, () =>
      statusDelivery(db, this.context(), authorId, statusId, 'edited'),
    );
  }

  /** Before a deletion's transaction: `Delete(Tombstone)` to whom the Note went. */
  prepareStatusDelete(authorId: string, statusId: string): Promise<PreparedDelivery | undefined> {
    return this.safely('Delete(Note)', () =>
      statusDelivery(this.db, this.context(), authorId, statusId, 'deleted'),
    );
  }

  /** A profile change (update_credentials): `Update(Person)` to the member's remote followers. */
  profileUpdated(accountId: string, db: Queryable): Promise<void> {
    return this.record('Update(Person)', db, () => profileDelivery(db, this.context(), accountId));
  }

  /** A favourite of a remote status: `Like` to its author (stable id per favourite). */
  favourited(accountId: string, statusId: string, db: Queryable): Promise<void> {
    return this.record('Like', db, () => likeDelivery(db, accountId, statusId, false));
  }

  /** Before an unfavourite's transaction: the `Undo(Like)` of the favourite it removes. */
  prepareUnfavourite(accountId: string, statusId: string): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Like)', () => likeDelivery(this.db, accountId, statusId, true));
  }

  /** A reblog: `Announce` to the member's remote followers and the original's remote author. */
  reblogged(accountId: string, statusId: string, db: Queryable): Promise<void> {
    return this.record('Announce', db, () => announceDelivery(db, accountId, statusId, false));
  }

  /** Before an unreblog's transaction: the `Undo(Announce)` of the reblog it removes. */
  prepareUnreblog(accountId: string, statusId: string): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Announce)', () =>
      announceDelivery(this.db, accountId, statusId, true),
    );
  }

  /** Records what was prepared before the transaction, in it (nothing when there is nothing). */
  async deliver(prepared: PreparedDelivery | undefined, db: Queryable): Promise<void> {
    if (!prepared) return;
    await this.safely('a prepared activity', () => this.relay.record(db, prepared));
  }

  private async record(
    what: string,
    db: Queryable,
    prepare: () => Promise<OutboxDelivery | undefined>,
  ): Promise<void> {
    await this.safely(what, async () => {
      const delivery = await prepare();
      if (delivery) await this.relay.record(db, delivery);
    });
  }

  private context(): Context<void> {
    return this.runtime.context();
  }

  private async safely<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    if (!this.config.FEDERATION_ENABLED) return undefined;
    try {
      return await run();
    } catch (error) {
      this.logger.warn(`federation: could not enqueue ${what}: ${String(error)}`);
      return undefined;
    }
  }
}
