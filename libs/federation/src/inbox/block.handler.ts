import type { InboxContext } from '@fedify/fedify';
import type { Block } from '@fedify/fedify/vocab';
import type { HandlerOutcome, InboxDeps } from './inbox-deps';
import { localActor, remoteAccountId } from './lookups';

/**
 * A remote actor blocks a member (Mastodon's ActivityPub::Activity::Block): the follows between
 * them end both ways and the block is kept under the activity's id (so the member sees
 * `blocked_by`, and the actor's `Undo(Block)` by id finds it). An actor we do not know has no
 * follows here: nothing to do.
 */
export async function onBlock(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  block: Block,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!block.id || !block.actorId || !block.objectId) return 'ignored';
  const blockerId = await remoteAccountId(db, block.actorId);
  if (!blockerId) return 'ignored';
  const target = await localActor(db, ctx, block.objectId);
  if (!target) return 'ignored';
  const uri = block.id.href;
  const row = await social.transaction((manager) =>
    social.blocks.start(manager, blockerId, target.id, uri),
  );
  return row?.created ? 'applied' : 'ignored';
}
