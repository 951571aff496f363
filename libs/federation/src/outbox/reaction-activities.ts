import type { Context } from '@fedify/fedify';
import { Announce, Like, PUBLIC_COLLECTION } from '@fedify/fedify/vocab';
import { activityIds } from './activity-ids';
import { statusUri, type StatusVisibility } from './note-activities';

/** A favourite of a remote status; the id is stable per favourite. */
export function likeActivity(
  ctx: Context<void>,
  username: string,
  favouriteId: string,
  status: URL,
): Like {
  const actor = ctx.getActorUri(username);
  return new Like({ id: activityIds.like(actor, favouriteId), actor, object: status });
}

/** A reblog as the other servers see it. */
export interface OutboundReblog {
  username: string;
  /** The reblog's own status row (its id gives the Announce's). */
  reblogId: string;
  visibility: StatusVisibility;
  /** The original: a remote URI, or a local status by its author and id. */
  original: URL | { username: string; id: string };
  /** The original's remote author, addressed in cc. */
  remoteAuthor: URL | null;
}

/** A reblog: public ones to Public (cc followers), unlisted the other way round, as Mastodon. */
export function announceActivity(ctx: Context<void>, reblog: OutboundReblog): Announce {
  const { username, original } = reblog;
  const followers = ctx.getFollowersUri(username);
  const isPublic = reblog.visibility === 'public';
  return new Announce({
    id: activityIds.ofStatus(statusUri(ctx, username, reblog.reblogId)),
    actor: ctx.getActorUri(username),
    object: original instanceof URL ? original : statusUri(ctx, original.username, original.id),
    tos: isPublic ? [PUBLIC_COLLECTION] : [followers],
    ccs: [
      ...(isPublic ? [followers] : [PUBLIC_COLLECTION]),
      ...(reblog.remoteAuthor ? [reblog.remoteAuthor] : []),
    ],
  });
}
