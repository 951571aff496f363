import type { InboxContext } from '@fedify/fedify';
import { Application, Group, Hashtag, Person, Service, type Update } from '@fedify/fedify/vocab';
import { isRemotePost, postText } from './converted-posts';
import { customEmojisOf, storeCustomEmojis } from './custom-emojis';
import { addHashtag, replaceStatusTags } from './hashtags';
import { fetchOptions, type HandlerOutcome, type InboxDeps } from './inbox-deps';
import { linkHref, remoteAccountId } from './lookups';
import { upsertRemoteActor } from './remote-actors';
import { postSource, remoteAttachments, replaceRemoteMedia } from './remote-media';

/**
 * An edit by its author of a stored remote post (the new content, sanitised, replaces it and is
 * kept as a revision), or a
 * profile update by the actor itself (only when the object is the signing actor; accounts we do
 * not know are not created by it).
 */
export async function onUpdate(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  update: Update,
): Promise<HandlerOutcome> {
  const { db, social } = deps;
  if (!update.actorId || !update.objectId) return 'ignored';
  if (update.objectId.origin !== update.actorId.origin) return 'ignored';
  const object: unknown = await update.getObject(fetchOptions(deps, ctx)).catch(() => null);
  if (
    object instanceof Person ||
    object instanceof Service ||
    object instanceof Application ||
    object instanceof Group
  ) {
    if (object.id?.href !== update.actorId.href) return 'ignored';
    if (!(await remoteAccountId(db, update.actorId))) return 'ignored';
    return (await upsertRemoteActor(db, object)) ? 'applied' : 'ignored';
  }
  if (!isRemotePost(object) || !object.id) return 'ignored';
  const source = await postSource(update, object);
  if (object.attributionId && object.attributionId.href !== update.actorId.href) return 'ignored';
  const text = postText(object, linkHref(object.url) ?? object.id.href);
  const spoiler = text.spoiler.slice(0, 1_000);
  const hashtags = new Set<string>();
  for await (const tag of object.getTags(fetchOptions(deps, ctx))) {
    if (tag instanceof Hashtag) addHashtag(hashtags, tag);
  }
  const emojis = await customEmojisOf(object);
  const attachments = await remoteAttachments(object, source);
  const content = text.content.slice(0, 100_000);
  const sensitive = (object.sensitive ?? false) || spoiler !== '';
  return social.transaction(async (manager) => {
    const [row] = (await manager.query(
      `SELECT s.id::text AS id, s.account_id::text AS account_id,
              (s.content = $3 AND s.spoiler_text = $4 AND s.sensitive = $5) AS same
         FROM statuses s JOIN accounts a ON a.id = s.account_id
        WHERE s.uri = $1 AND NOT s.local AND a.uri = $2 FOR UPDATE OF s`,
      [object.id!.href, update.actorId!.href, content, spoiler, sensitive],
    )) as { id: string; account_id: string; same: boolean }[];
    if (!row) return 'ignored';
    // A redelivered Update changes nothing: no second revision.
    if (row.same) return 'ignored';
    // Each edit is a revision in the status's history (GET /api/v1/statuses/:id/history).
    await social.statuses.edited(manager, row.id, async () => {
      await manager.query(
        `UPDATE statuses SET content = $2, spoiler_text = $3, sensitive = $4, edited_at = now()
          WHERE id = $1`,
        [row.id, content, spoiler, sensitive],
      );
    });
    // An edit may add or drop hashtags: the tag timelines follow it.
    await replaceStatusTags(manager, row.id, [...hashtags]);
    await replaceRemoteMedia(manager, row.id, row.account_id, attachments);
    await social.statuses.updated(manager, { statusId: row.id, accountId: row.account_id });
    await storeCustomEmojis(manager, object.id!.host, emojis);
    return 'applied';
  });
}
