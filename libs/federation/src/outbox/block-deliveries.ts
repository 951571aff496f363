import type { Context } from '@fedify/fedify';
import { Block } from '@fedify/fedify/vocab';
import { activityIds } from './activity-ids';
import { undoActivity } from './follow-activities';
import { deliveryTo, type OutboxDelivery } from './outbox-relay';
import type { Queryable, RemoteInboxes } from './recipients';

type BlockRow = RemoteInboxes & { id: string; block_uri: string | null; username: string };

/** A member's block of a remote account, with the remote's addresses. */
async function remoteBlock(
  db: Queryable,
  accountId: string,
  targetId: string,
): Promise<BlockRow | undefined> {
  const [row] = (await db.query(
    `SELECT b.id::text AS id, b.uri AS block_uri, me.username, t.uri, t.inbox_url, t.shared_inbox_url
       FROM blocks b
       JOIN accounts me ON me.id = b.account_id AND me.domain IS NULL
       JOIN accounts t ON t.id = b.target_account_id AND t.domain IS NOT NULL
      WHERE b.account_id = $1 AND b.target_account_id = $2 AND t.uri IS NOT NULL`,
    [accountId, targetId],
  )) as BlockRow[];
  return row;
}

/**
 * Mastodon's `Block`: the object is the blocked actor's id, sent to that actor's own inbox (as
 * Mastodon's BlockService delivers it). Its id, `{actor}#blocks/{block id}`, is stored on the
 * block so that the Undo sent later embeds the same Block.
 */
export async function blockDelivery(
  db: Queryable,
  ctx: Context<void>,
  accountId: string,
  targetId: string,
): Promise<OutboxDelivery | undefined> {
  const row = await remoteBlock(db, accountId, targetId);
  if (!row) return undefined;
  const id = row.block_uri
    ? new URL(row.block_uri)
    : activityIds.block(ctx.getActorUri(row.username), row.id);
  if (!row.block_uri) {
    await db.query(`UPDATE blocks SET uri = $2 WHERE id = $1 AND uri IS NULL`, [row.id, id.href]);
  }
  return deliveryTo(row, false, (c) => blockActivity(c, row.username, id, new URL(row.uri!)));
}

/** The `Undo(Block)` of a block of a remote account about to be removed (read before). */
export async function unblockDelivery(
  db: Queryable,
  accountId: string,
  targetId: string,
): Promise<OutboxDelivery | undefined> {
  const row = await remoteBlock(db, accountId, targetId);
  if (!row?.block_uri) return undefined;
  const id = new URL(row.block_uri);
  return deliveryTo(row, false, (c) =>
    undoActivity(blockActivity(c, row.username, id, new URL(row.uri!))),
  );
}

function blockActivity(ctx: Context<void>, username: string, id: URL, target: URL): Block {
  return new Block({ id, actor: ctx.getActorUri(username), object: target });
}
