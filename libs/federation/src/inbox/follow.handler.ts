import type { InboxContext } from '@fedify/fedify';
import type { Follow } from '@fedify/fedify/vocab';
import { followAnswerActivity } from '../outbox/follow-activities';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localActor } from './lookups';
import { upsertRemoteActor } from './remote-actors';

type Outcome = 'accepted' | 'pending' | 'ignored';

/**
 * A remote follow of a member: accepted (and an Accept sent) unless the account is locked, or
 * rejected when the member blocks the follower or its domain.
 */
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
  if (await blocksFollower(deps, target.id, followerId)) {
    // Mastodon rejects a Follow from an account (or domain) the member blocks.
    await ctx.sendActivity(
      { identifier: target.username },
      follower,
      followAnswerActivity(ctx, target.username, 'reject', follow),
    );
    return 'ignored';
  }

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

async function blocksFollower(deps: InboxDeps, memberId: string, followerId: string) {
  const rows = (await deps.db.query(
    `SELECT 1 FROM blocks WHERE account_id = $1 AND target_account_id = $2
     UNION ALL
     SELECT 1 FROM account_domain_blocks d JOIN accounts a ON a.domain = d.domain
      WHERE d.account_id = $1 AND a.id = $2`,
    [memberId, followerId],
  )) as unknown[];
  return rows.length > 0;
}
