import type { InboxContext } from '@fedify/fedify';
import type { Create } from '@fedify/fedify/vocab';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { followedHere, localStatus, remoteAccountId } from './lookups';
import { upsertRemoteActor } from './remote-actors';
import { postSource } from './remote-media';
import {
  collectMentions,
  isRemotePost,
  MAX_FETCHED_STATUSES,
  resolveStatus,
  storeRemotePost,
  visibilityOf,
} from './remote-statuses';

/**
 * A remote post (Create of a Note, Article, PeerTube Video or Lemmy Page by its own author) is stored when a local member
 * follows the author, is addressed/mentioned by it or wrote the post it replies to (as Mastodon:
 * the conversation under a member's post is complete); redeliveries change nothing (unique uri).
 * A reply to a post we do not have fetches it (and its ancestors, bounded) to thread the reply.
 */
export async function onCreate(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  create: Create,
): Promise<HandlerOutcome> {
  const { db } = deps;
  if (!create.actorId || !create.objectId) return 'ignored';
  const actorUri = create.actorId;
  // The post must come from the actor's own server, and be attributed to that actor.
  if (create.objectId.origin !== actorUri.origin) return 'ignored';
  const loaders = fetchOptions(deps, ctx);
  const object: unknown = await create.getObject(loaders).catch(() => null);
  if (!isRemotePost(object) || !object.id) return 'ignored';
  if (object.id.origin !== actorUri.origin) return 'ignored';
  const source = await postSource(create, object);
  if (object.attributionId && object.attributionId.href !== actorUri.href) return 'ignored';
  const [known] = (await db.query(`SELECT 1 FROM statuses WHERE uri = $1`, [
    object.id.href,
  ])) as unknown[];
  if (known) return 'ignored';

  const mentions = await collectMentions(deps, ctx, object);
  let authorId = await remoteAccountId(db, actorUri);
  const followed = authorId !== undefined && (await followedHere(db, authorId));
  const repliesHere =
    !followed &&
    mentions.local.size === 0 &&
    object.replyTargetId !== null &&
    (await localStatus(db, ctx, object.replyTargetId)) !== undefined;
  if (!followed && mentions.local.size === 0 && !repliesHere) return 'ignored'; // not for us
  const author = await create.getActor(loaders).catch(() => null);
  if (!authorId || !author) {
    if (!author || author.id?.href !== actorUri.href) return 'ignored';
    authorId = await upsertRemoteActor(db, author);
    if (!authorId) return 'ignored';
  }
  const visibility = visibilityOf(
    [...object.toIds, ...create.toIds],
    [...object.ccIds, ...create.ccIds],
    author?.followersId?.href,
  );
  // The parent: a local status, a stored remote one, or fetched now (failing soft: the reply
  // is stored with the parent's URI and threaded when the parent arrives).
  const parent = object.replyTargetId
    ? await resolveStatus(deps, ctx, object.replyTargetId, { remaining: MAX_FETCHED_STATUSES })
    : undefined;
  const stored = await storeRemotePost(deps, ctx, {
    post: object,
    authorId,
    visibility,
    parent,
    notifyMentions: true,
    mentions,
    source,
  });
  return stored ? 'applied' : 'ignored';
}
