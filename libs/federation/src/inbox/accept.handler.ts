import type { InboxContext } from '@fedify/fedify';
import { Follow, type Accept } from '@fedify/fedify/vocab';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localActor, remoteAccountId } from './lookups';

/** The remote actor accepted our follow request: it becomes a follow. */
export async function onAccept(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  accept: Accept,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!accept.actorId || !accept.objectId) return 'ignored';
  const remoteId = await remoteAccountId(db, accept.actorId);
  if (!remoteId) return 'ignored';
  let followerId: string | undefined;
  // The Follow is ours (our origin) inside their Accept: only its actor and object are read,
  // and only a request we really sent to this very actor is promoted.
  const objectUri = accept.objectId; // before getObject(), which makes objectId the fetched id
  const object: unknown = await accept
    .getObject({ ...fetchOptions(deps, ctx), crossOrigin: 'trust' })
    .catch(() => null);
  if (object instanceof Follow && object.actorId) {
    if (object.objectId?.href !== accept.actorId.href) return 'ignored';
    followerId = (await localActor(db, ctx, object.actorId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT account_id::text AS id FROM follow_requests WHERE uri = $1 AND target_account_id = $2`,
      [objectUri.href, remoteId],
    )) as { id: string }[];
    followerId = rows[0]?.id;
  }
  if (!followerId) return 'ignored';
  const follower = followerId;
  // Not pending (already accepted, or never asked): nothing to apply.
  const accepted = await social.transaction((manager) =>
    social.follows.accept(manager, follower, remoteId),
  );
  return accepted === 'followed' ? 'applied' : 'ignored';
}
