import type { InboxContext } from '@fedify/fedify';
import type { Follow } from '@fedify/fedify/vocab';
import { followAnswerActivity } from '../outbox/follow-activities';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localActor } from './lookups';
import { upsertRemoteActor } from './remote-actors';

type Outcome = 'accepted' | 'pending' | 'ignored';

/** A remote follow of a member: accepted (and an Accept sent) unless the account is locked. */
export async function onFollow(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  follow: Follow,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!follow.id || !follow.actorId || !follow.objectId) return 'ignored';
  const target = await localActor(db, ctx, follow.objectId);
  if (!target) return 'ignored';
  const follower = await follow.getActor(fetchOptions(deps, ctx));
  if (!follower || follower.id?.href !== follow.actorId.href) return 'ignored';
  const followerId = await upsertRemoteActor(db, follower);
  if (!followerId) return 'ignored';
  const followUri = follow.id.href;

  const { outcome, followId } = await social.transaction(async (manager) => {
    // A redelivered Follow of a locked account already followed is accepted again, not a request.
    if (target.locked && !(await social.follows.isFollowing(manager, followerId, target.id))) {
      await social.follows.request(manager, followerId, target.id, followUri);
      return { outcome: 'pending' as Outcome, followId: undefined };
    }
    const row = await social.follows.start(manager, followerId, target.id, followUri);
    if (!row) return { outcome: 'ignored' as Outcome, followId: undefined };
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
