import type { InboxContext } from '@fedify/fedify';
import type { EmojiReact, Like } from '@fedify/fedify/vocab';
import { customEmojisOf, storeCustomEmojis } from './custom-emojis';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { localStatus, remoteAccountId } from './lookups';
import { upsertRemoteActor } from './remote-actors';

/**
 * The emoji a reaction came as: Misskey's `Like` and Pleroma's `EmojiReact` carry it in
 * `content` (`:blobcat:` with its `Emoji` tag for a custom one, else a Unicode emoji); a plain
 * Like has none.
 */
async function reactionOf(like: Like | EmojiReact) {
  const text = like.content?.toString().trim().slice(0, 100);
  if (!text) return undefined;
  const shortcode = /^:([A-Za-z0-9_+-]+):$/.exec(text)?.[1];
  const emoji = shortcode
    ? (await customEmojisOf(like)).find((e) => e.shortcode === shortcode)
    : undefined;
  return { text, emoji };
}

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
  const reaction = await reactionOf(like);
  const added = await social.transaction(async (manager) => {
    const favourite = await social.favourites.add(
      manager,
      liker,
      { id: status.id, accountId: status.account_id },
      like.id?.href ?? null,
    );
    if (favourite && reaction) {
      // The favourite stays a favourite; the emoji it came as is kept alongside.
      await manager.query(
        `UPDATE favourites SET reaction = $3, reaction_url = $4
          WHERE account_id = $1 AND status_id = $2`,
        [liker, status.id, reaction.text, reaction.emoji?.url ?? null],
      );
      if (reaction.emoji) await storeCustomEmojis(manager, like.actorId!.host, [reaction.emoji]);
    }
    return favourite;
  });
  return added ? 'applied' : 'ignored';
}
