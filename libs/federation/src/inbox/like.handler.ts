import type { InboxContext } from '@fedify/fedify';
import type { EmojiReact, Like } from '@fedify/fedify/vocab';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localStatus, remoteAccountId } from './lookups';
import { upsertRemoteActor } from './remote-actors';

/**
 * A remote favourite of a local status (one its author lets the liker see). Misskey's reactions
 * arrive as `Like` (with `_misskey_reaction`), Pleroma's as `EmojiReact`: both are favourites.
 */
export async function onLike(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  like: Like | EmojiReact,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!like.actorId || !like.objectId) return 'ignored';
  const status = await localStatus(db, ctx, like.objectId);
  if (!status) return 'ignored';
  let likerId = await remoteAccountId(db, like.actorId);
  if (!likerId) {
    const actor = await like.getActor(fetchOptions(deps, ctx)).catch(() => null);
    if (!actor || actor.id?.href !== like.actorId.href) return 'ignored';
    likerId = await upsertRemoteActor(db, actor);
    if (!likerId) return 'ignored';
  }
  const liker = likerId;
  if (status.visibility === 'direct') return 'ignored';
  if (status.visibility === 'private') {
    const follows = (await db.query(
      `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
      [liker, status.account_id],
    )) as unknown[];
    if (follows.length === 0) return 'ignored';
  }
  const added = await social.transaction((manager) =>
    social.favourites.add(
      manager,
      liker,
      { id: status.id, accountId: status.account_id },
      like.id?.href ?? null,
    ),
  );
  return added ? 'applied' : 'ignored';
}
