import type { InboxContext } from '@fedify/fedify';
import { isActor, type Move } from '@fedify/fedify/vocab';
import { followActivity, followUri } from '../outbox/follow-activities';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { remoteAccountId } from './lookups';
import { upsertRemoteActor } from './remote-actors';

/**
 * An account migration (Mastodon's `Move`: actor = object = the old account, target = the new
 * one). As Mastodon (app/lib/activitypub/activity/move.rb), it counts only when the new account
 * names the old one in `alsoKnownAs`; then each member following the old account stops following
 * it and sends a Follow to the new one (a follow request until it is accepted).
 */
export async function onMove(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  move: Move,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  const oldUri = move.actorId;
  if (!oldUri || move.objectId?.href !== oldUri.href || !move.targetId) return 'ignored';
  const oldId = await remoteAccountId(db, oldUri);
  if (!oldId) return 'ignored';
  const target = await move.getTarget(fetchOptions(deps, ctx)).catch(() => null);
  if (!target || !isActor(target) || target.id?.href !== move.targetId.href) return 'ignored';
  if (!target.aliasIds.some((alias) => alias.href === oldUri.href)) return 'ignored';
  const newId = await upsertRemoteActor(db, target);
  if (!newId || newId === oldId || !target.inboxId) return 'ignored';
  const followers = (await db.query(
    `SELECT me.id::text AS id, me.username FROM follows f
       JOIN accounts me ON me.id = f.account_id AND me.domain IS NULL
      WHERE f.target_account_id = $1`,
    [oldId],
  )) as { id: string; username: string }[];
  for (const follower of followers) {
    // The old follow ends and the new request starts together: a retried Move finds the member
    // again if anything fails in between. The Follow goes out after the commit (the re-send job
    // covers a lost one).
    const uri = await social.transaction(async (manager) => {
      await social.follows.end(manager, follower.id, oldId);
      const request = await social.follows.request(manager, follower.id, newId);
      if (!request?.created) return undefined; // already requested
      const requestUri = followUri(ctx, follower.username, request.id);
      await social.follows.setRequestUri(manager, request.id, requestUri.href);
      return requestUri;
    });
    if (!uri) continue;
    await ctx.sendActivity(
      { identifier: follower.username },
      { id: target.id, inboxId: target.inboxId },
      followActivity(ctx, follower.username, uri, target.id),
      { orderingKey: ctx.getActorUri(follower.username).href },
    );
  }
  return followers.length > 0 ? 'applied' : 'ignored';
}
