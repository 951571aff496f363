import type { DataSource, EntityManager } from 'typeorm';
import type { Queryable } from './queryable';
import type { SocialEventMap, SocialEventName, SocialEvents } from './social-events';

/** Thrown when a social write runs in a transaction its events cannot wait for. */
export class UnscopedSocialWriteError extends Error {
  override readonly name = 'UnscopedSocialWriteError';
}

/**
 * Holds back the events of writes made in a transaction until it commits (none if it rolls
 * back), so no listener sees a status or a follow that never was. A write on a plain connection
 * (autocommit) is announced at once.
 */
export class Announcements {
  private readonly pending = new WeakMap<Queryable, (() => Promise<void>)[]>();

  constructor(private readonly events: SocialEvents) {}

  async transaction<T>(db: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const queued: (() => Promise<void>)[] = [];
    const result = await db.transaction(async (manager) => {
      this.pending.set(manager, queued);
      try {
        return await work(manager);
      } finally {
        this.pending.delete(manager);
      }
    });
    for (const emit of queued) await emit();
    return result;
  }

  async announce<K extends SocialEventName>(
    db: Queryable,
    name: K,
    event: SocialEventMap[K],
  ): Promise<void> {
    const emit = () => this.events.emit(name, event);
    const queue = this.pending.get(db);
    if (queue) {
      queue.push(emit);
      return;
    }
    if ((db as Partial<EntityManager>).queryRunner?.isTransactionActive) {
      // Its listeners would run before the commit, or for a write that is rolled back.
      throw new UnscopedSocialWriteError(
        `${name}: open the transaction with Social.transaction so its events follow the commit`,
      );
    }
    await emit();
  }
}
