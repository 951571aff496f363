import type { InboxContext } from '@fedify/fedify';
import { Follow, type Reject } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { endFollow } from './follow-graph';
import { ctxLoaders, localActor, remoteAccountId } from './lookups';

/** Our follow (or request) of the rejecting actor is dropped (a Reject of a follow we have). */
export async function onReject(
  db: DataSource,
  ctx: InboxContext<void>,
  reject: Reject,
): Promise<void> {
  if (!reject.actorId || !reject.objectId) return;
  const remoteId = await remoteAccountId(db, reject.actorId);
  if (!remoteId) return;
  const object: unknown = await reject
    .getObject({ ...ctxLoaders(ctx), crossOrigin: 'trust' })
    .catch(() => null);
  let followerId: string | undefined;
  if (object instanceof Follow && object.actorId) {
    if (object.objectId?.href !== reject.actorId.href) return;
    followerId = (await localActor(db, ctx, object.actorId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT account_id::text AS id FROM follow_requests WHERE uri = $1 AND target_account_id = $2
       UNION ALL
       SELECT account_id::text FROM follows WHERE uri = $1 AND target_account_id = $2`,
      [reject.objectId.href, remoteId],
    )) as { id: string }[];
    followerId = rows[0]?.id;
  }
  if (!followerId) return;
  await endFollow(db, followerId, remoteId);
}
