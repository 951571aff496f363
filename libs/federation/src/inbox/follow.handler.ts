import type { InboxContext } from '@fedify/fedify';
import type { Follow } from '@fedify/fedify/vocab';
import { modifiedRows } from '@fediflow/database';
import { followAnswerActivity } from '../outbox/follow-activities';
import { moveCounters } from './follow-graph';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localActor } from './lookups';
import { notify } from './notifications';
import { upsertRemoteActor } from './remote-actors';

type Outcome = 'accepted' | 'pending' | 'ignored';

/** A remote follow of a member: accepted (and an Accept sent) unless the account is locked. */
export async function onFollow(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  follow: Follow,
): Promise<HandlerOutcome> {
  const { db } = deps;
  if (!follow.id || !follow.actorId || !follow.objectId) return 'ignored';
  const target = await localActor(db, ctx, follow.objectId);
  if (!target) return 'ignored';
  const follower = await follow.getActor(fetchOptions(deps, ctx));
  if (!follower || follower.id?.href !== follow.actorId.href) return 'ignored';
  const followerId = await upsertRemoteActor(db, follower);
  if (!followerId) return 'ignored';
  const followUri = follow.id.href;

  const { outcome, followId } = await db.transaction(async (manager) => {
    const [existing] = modifiedRows<{ id: string }>(
      await manager.query(
        `UPDATE follows SET uri = $3 WHERE account_id = $1 AND target_account_id = $2
         RETURNING id::text AS id`,
        [followerId, target.id, followUri],
      ),
    );
    if (existing) return { outcome: 'accepted' as Outcome, followId: existing.id };
    if (target.locked) {
      const inserted = (await manager.query(
        `INSERT INTO follow_requests (account_id, target_account_id, uri) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, target_account_id) DO UPDATE SET uri = EXCLUDED.uri
         RETURNING (xmax = 0) AS created`,
        [followerId, target.id, followUri],
      )) as { created: boolean }[];
      if (inserted[0]?.created) await notify(manager, target.id, followerId, 'follow_request');
      return { outcome: 'pending' as Outcome, followId: undefined };
    }
    // A concurrent Follow of the same pair (a redelivery handled by another worker) may insert
    // first: then this one updates its row and is accepted too, without counting twice.
    const [row] = (await manager.query(
      `INSERT INTO follows (account_id, target_account_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT (account_id, target_account_id) DO UPDATE SET uri = EXCLUDED.uri
       RETURNING id::text AS id, (xmax = 0) AS created`,
      [followerId, target.id, followUri],
    )) as { id: string; created: boolean }[];
    if (!row) return { outcome: 'ignored' as Outcome, followId: undefined };
    if (row.created) {
      await moveCounters(manager, followerId, target.id, 1);
      await notify(manager, target.id, followerId, 'follow');
    }
    return { outcome: 'accepted' as Outcome, followId: row.id };
  });
  if (outcome === 'pending') return 'applied';
  if (outcome !== 'accepted' || !followId) return 'ignored';

  await ctx.sendActivity(
    { identifier: target.username },
    follower,
    followAnswerActivity(ctx, target.username, 'accept', follow),
  );
  return 'applied';
}
