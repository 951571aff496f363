import type { InboxContext } from '@fedify/fedify';
import { Article, Note, type Update } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { sanitizeRemoteHtml } from '../remote-html';
import { sanitizeRemoteText } from '../remote-text';

/** An edit of a stored remote post, by its author: the new content (sanitised) replaces it. */
export async function onUpdate(
  db: DataSource,
  ctx: InboxContext<void>,
  update: Update,
): Promise<void> {
  if (!update.actorId || !update.objectId) return;
  if (update.objectId.origin !== update.actorId.origin) return;
  const object: unknown = await update.getObject(ctx).catch(() => null);
  if (!(object instanceof Note || object instanceof Article) || !object.id) return;
  if (object.attributionId && object.attributionId.href !== update.actorId.href) return;
  const spoiler = sanitizeRemoteText(object.summary?.toString() ?? '').slice(0, 1_000);
  await db.query(
    `UPDATE statuses s SET content = $3, spoiler_text = $4, sensitive = $5, edited_at = now()
       FROM accounts a
      WHERE s.uri = $1 AND NOT s.local AND a.id = s.account_id AND a.uri = $2`,
    [
      object.id.href,
      update.actorId.href,
      sanitizeRemoteHtml(object.content?.toString() ?? '').slice(0, 100_000),
      spoiler,
      (object.sensitive ?? false) || spoiler !== '',
    ],
  );
}
