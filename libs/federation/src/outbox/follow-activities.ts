import type { Context } from '@fedify/fedify';
import { Accept, Follow, Reject, Undo, type Activity } from '@fedify/fedify/vocab';
import { activityIds, type FollowAnswer } from './activity-ids';

/** The stable URI of a follow request a member sent: `/users/{u}#follows/{request id}`. */
export function followUri(ctx: Context<void>, username: string, requestId: string): URL {
  return activityIds.follow(ctx.getActorUri(username), requestId);
}

export function followActivity(ctx: Context<void>, username: string, id: URL, target: URL): Follow {
  return new Follow({ id, actor: ctx.getActorUri(username), object: target });
}

/** Undo(Follow) with the Follow embedded, so it is understood without fetching it. */
export function undoFollowActivity(
  ctx: Context<void>,
  username: string,
  id: URL,
  target: URL,
): Undo {
  return undoActivity(followActivity(ctx, username, id, target));
}

/**
 * A member's answer to a remote actor's Follow of them, with the Follow embedded (as Mastodon
 * expects). The id depends on the Follow only, so a redelivered Follow gets the same answer.
 */
export function followAnswerActivity(
  ctx: Context<void>,
  username: string,
  answer: FollowAnswer,
  follow: Follow,
): Accept | Reject {
  const actor = ctx.getActorUri(username);
  const values = { id: activityIds.answer(actor, answer, follow.id!), actor, object: follow };
  return answer === 'accept' ? new Accept(values) : new Reject(values);
}

/** The Follow a remote actor sent to a member, as an answer embeds it. */
export function remoteFollow(ctx: Context<void>, id: URL, follower: URL, username: string): Follow {
  return new Follow({ id, actor: follower, object: ctx.getActorUri(username) });
}

/** Undo of an activity of the member's, embedded (receivers match it by id or by content). */
export function undoActivity(activity: Activity): Undo {
  return new Undo({
    id: activityIds.undo(activity.id!),
    actor: activity.actorId,
    object: activity,
  });
}
