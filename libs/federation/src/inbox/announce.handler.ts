import type { InboxContext } from '@fedify/fedify';
import { Create, PUBLIC_COLLECTION, type Announce } from '@fedify/fedify/vocab';
import { fetchOptions, isBlocked, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { EMBEDDED_ONLY, followedHere, remoteAccountId } from './lookups';
import { upsertRemoteActor } from './remote-actors';
import { knownStatus, MAX_FETCHED_STATUSES, resolveStatus } from './remote-statuses';

/**
 * The URI of the post an Announce shares. A Lemmy community (a Group) announces the activity that
 * made the post, `Announce{Create{Page|Note}}`, as Mastodon reads it: a boost of that post. Only
 * the embedded Create's object id is taken (read without fetching anything); the post itself is
 * then fetched from its own origin like any other.
 */
async function announcedObjectUri(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  announce: Announce,
): Promise<URL | null> {
  const embedded = await announce.getObject({
    ...fetchOptions(deps, ctx),
    documentLoader: EMBEDDED_ONLY.documentLoader,
    crossOrigin: 'trust',
    suppressError: true,
  });
  if (embedded instanceof Create) return embedded.objectId;
  return announce.objectId;
}

/**
 * A boost, public or unlisted, stored as the announcer's reblog when a member here follows them
 * (a post we do not have is fetched from its own server first), or when the status is local (its
 * author is notified).
 */
export async function onAnnounce(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  announce: Announce,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!announce.id || !announce.actorId || !announce.objectId) return 'ignored';
  if (announce.id.origin !== announce.actorId.origin) return 'ignored';
  const objectUri = await announcedObjectUri(deps, ctx, announce);
  if (!objectUri) return 'ignored';
  if (await isBlocked(deps, objectUri)) return 'blocked';
  const ours = ctx.parseUri(objectUri) !== null;
  let announcerId = await remoteAccountId(db, announce.actorId);
  const followed = announcerId !== undefined && (await followedHere(db, announcerId));
  if (!followed && !ours) return 'ignored';
  // Fetched by its URI (never taken embedded from the announcer), so its origin vouches for it.
  const original = followed
    ? await resolveStatus(deps, ctx, objectUri, { remaining: MAX_FETCHED_STATUSES })
    : await knownStatus(db, ctx, objectUri);
  if (!original || (original.visibility !== 'public' && original.visibility !== 'unlisted')) {
    return 'ignored';
  }
  if (!announcerId) {
    const actor = await announce.getActor(fetchOptions(deps, ctx)).catch(() => null);
    if (!actor || actor.id?.href !== announce.actorId.href) return 'ignored';
    announcerId = await upsertRemoteActor(db, actor);
    if (!announcerId) return 'ignored';
  }
  const announcer = announcerId;
  const audience = [...announce.toIds, ...announce.ccIds].map((u) => u.href);
  const visibility = announce.toIds.some((u) => u.href === PUBLIC_COLLECTION.href)
    ? 'public'
    : audience.includes(PUBLIC_COLLECTION.href)
      ? 'unlisted'
      : 'private';
  const announceUri = announce.id.href;
  const reblogId = await social.transaction((manager) =>
    social.reblogs.add(manager, {
      accountId: announcer,
      original: { id: original.id, accountId: original.account_id },
      local: false,
      visibility,
      uri: announceUri,
    }),
  );
  return reblogId ? 'applied' : 'ignored';
}
