import type { InboxContext } from '@fedify/fedify';
import { Follow, type Reject } from '@fedify/fedify/vocab';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localActor, remoteAccountId } from './lookups';

/** Our follow (or request) of the rejecting actor is dropped (a Reject of a follow we have). */
export async function onReject(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  reject: Reject,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!reject.actorId || !reject.objectId) return 'ignored';
  const remoteId = await remoteAccountId(db, reject.actorId);
  if (!remoteId) return 'ignored';
  const objectUri = reject.objectId; // before getObject(), which makes objectId the fetched id
  const object: unknown = await reject
    .getObject({ ...fetchOptions(deps, ctx), crossOrigin: 'trust' })
    .catch(() => null);
  let followerId: string | undefined;
  if (object instanceof Follow && object.actorId) {
    if (object.objectId?.href !== reject.actorId.href) return 'ignored';
    followerId = (await localActor(db, ctx, object.actorId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT account_id::text AS id FROM follow_requests WHERE uri = $1 AND target_account_id = $2
       UNION ALL
       SELECT account_id::text FROM follows WHERE uri = $1 AND target_account_id = $2`,
      [objectUri.href, remoteId],
    )) as { id: string }[];
    followerId = rows[0]?.id;
  }
  if (!followerId) return 'ignored';
  const follower = followerId;
  const ended = await social.transaction((manager) =>
    social.follows.end(manager, follower, remoteId),
  );
  return ended ? 'applied' : 'ignored';
}
