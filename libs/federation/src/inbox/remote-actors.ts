import { Application, isActor, Service, type Actor } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { remoteUsername, sanitizeRemoteText, textToHtml } from '../remote-text';
import { customEmojisOf, storeCustomEmojis } from './custom-emojis';
import { EMBEDDED_ONLY, linkHref } from './lookups';

/**
 * The http(s) URL of an actor's `icon` (avatar) or `image` (header) as Mastodon reads them
 * (`image_url`: the first Image, its `url` a string or a Link); none when it has none, so a
 * removed avatar is removed here too.
 */
async function actorImageUrl(actor: Actor, which: 'icon' | 'image'): Promise<string | null> {
  const image = await (
    which === 'icon' ? actor.getIcon(EMBEDDED_ONLY) : actor.getImage(EMBEDDED_ONLY)
  ).catch(() => null);
  const url = linkHref(image?.url ?? null);
  return url && /^https?:\/\//.test(url) ? url : null;
}

/**
 * Creates or refreshes the local copy of a remote actor (and its custom emoji); returns its id. Names and bios
 * are reduced to plain text and stored escaped, so no remote markup reaches a client; the avatar
 * and header are referenced by URL (clients load them from their origin).
 */
export async function upsertRemoteActor(db: DataSource, actor: Actor): Promise<string | undefined> {
  if (!isActor(actor) || !actor.id) return undefined;
  const id = actor.id;
  const domain = id.host.toLowerCase();
  const username = remoteUsername(
    actor.preferredUsername?.toString() ?? id.pathname.split('/').pop() ?? '',
  );
  const displayName = sanitizeRemoteText(actor.name?.toString() ?? '').slice(0, 100);
  const note = textToHtml(sanitizeRemoteText(actor.summary?.toString() ?? '').slice(0, 5_000));
  const rows = (await db.query(
    `INSERT INTO accounts (username, domain, display_name, note, locked, bot, uri, url,
                           inbox_url, shared_inbox_url, avatar_remote_url, header_remote_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (uri) WHERE uri IS NOT NULL DO UPDATE
       SET username = EXCLUDED.username, display_name = EXCLUDED.display_name,
           note = EXCLUDED.note, locked = EXCLUDED.locked, bot = EXCLUDED.bot, url = EXCLUDED.url,
           inbox_url = EXCLUDED.inbox_url, shared_inbox_url = EXCLUDED.shared_inbox_url,
           avatar_remote_url = EXCLUDED.avatar_remote_url,
           header_remote_url = EXCLUDED.header_remote_url, updated_at = now()
     RETURNING id::text AS id`,
    [
      username,
      domain,
      displayName,
      note,
      actor.manuallyApprovesFollowers ?? false,
      actor instanceof Application || actor instanceof Service,
      id.href,
      linkHref(actor.url),
      actor.inboxId?.href ?? null,
      actor.endpoints?.sharedInbox?.href ?? null,
      await actorImageUrl(actor, 'icon'),
      await actorImageUrl(actor, 'image'),
    ],
  )) as { id: string }[];
  // The emoji of its name and bio (Mastodon and Misskey tag the actor with them).
  await storeCustomEmojis(db, domain, await customEmojisOf(actor));
  return rows[0]?.id;
}
