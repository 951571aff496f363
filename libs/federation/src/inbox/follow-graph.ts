import { affectedCount } from '@fediflow/database';
import type { DataSource, EntityManager } from 'typeorm';
import { withdraw } from './notifications';

export async function moveCounters(
  manager: EntityManager,
  followerId: string,
  targetId: string,
  by: 1 | -1,
): Promise<void> {
  await manager.query(
    `UPDATE accounts SET following_count = greatest(following_count + $2, 0) WHERE id = $1`,
    [followerId, by],
  );
  await manager.query(
    `UPDATE accounts SET followers_count = greatest(followers_count + $2, 0) WHERE id = $1`,
    [targetId, by],
  );
}

/**
 * Ends a follow, or a pending follow request, of `followerId` for `targetId`: the rows, the
 * counters and the notifications it caused (Undo(Follow) from the follower, Reject from the target).
 * Returns whether there was anything to end.
 */
export async function endFollow(
  db: DataSource,
  followerId: string,
  targetId: string,
): Promise<boolean> {
  return db.transaction((manager) => endFollowIn(manager, followerId, targetId));
}

/** `endFollow` inside the caller's transaction (a Move ends one follow and requests another). */
export async function endFollowIn(
  manager: EntityManager,
  followerId: string,
  targetId: string,
): Promise<boolean> {
  const requests = affectedCount(
    await manager.query(
      `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
      [followerId, targetId],
    ),
  );
  if (requests > 0) await withdraw(manager, targetId, followerId, 'follow_request');
  const removed = affectedCount(
    await manager.query(`DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
      followerId,
      targetId,
    ]),
  );
  if (removed > 0) {
    await moveCounters(manager, followerId, targetId, -1);
    await withdraw(manager, targetId, followerId, 'follow');
  }
  return requests + removed > 0;
}
