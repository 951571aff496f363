import { Emoji, type Object as APObject } from '@fedify/fedify/vocab';
import type { Queryable } from '../outbox/recipients';
import { EMBEDDED_ONLY, linkHref } from './lookups';

/** A remote custom emoji as an `Emoji` tag names it. */
export interface CustomEmoji {
  shortcode: string;
  url: string;
}

const SHORTCODE = /^:?([A-Za-z0-9_+-]{1,100}):?$/;

/**
 * The `Emoji` tags of a post, profile or reaction as Mastodon and Misskey write them: name
 * `:shortcode:`, icon an Image with an http(s) `url`. Only embedded icons are read (nothing is
 * fetched for an emoji); a malformed tag is skipped.
 */
export async function customEmojisOf(object: APObject): Promise<CustomEmoji[]> {
  const emojis = new Map<string, CustomEmoji>();
  // Tags and icons that are links, not embedded objects, would need a fetch: skipped.
  try {
    for await (const tag of object.getTags(EMBEDDED_ONLY)) {
      if (!(tag instanceof Emoji)) continue;
      const shortcode = SHORTCODE.exec(tag.name?.toString() ?? '')?.[1];
      const icon = await tag.getIcon(EMBEDDED_ONLY).catch(() => null);
      const url = linkHref(icon?.url ?? null);
      if (!shortcode || !url || !/^https?:\/\//.test(url)) continue;
      emojis.set(shortcode, { shortcode, url });
    }
  } catch {
    // A tag that could not be read: the emojis read so far are kept.
  }
  return [...emojis.values()];
}

/** Remembers a domain's emojis (the newest image wins), so statuses and accounts can show them. */
export async function storeCustomEmojis(
  db: Queryable,
  domain: string,
  emojis: readonly CustomEmoji[],
): Promise<void> {
  if (emojis.length === 0) return;
  await db.query(
    `INSERT INTO custom_emojis (shortcode, domain, url)
     SELECT shortcode, $1, url FROM unnest($2::text[], $3::text[]) AS e(shortcode, url)
     ON CONFLICT (domain, shortcode) DO UPDATE
       SET url = EXCLUDED.url, updated_at = now()
       WHERE custom_emojis.url IS DISTINCT FROM EXCLUDED.url`,
    [domain.toLowerCase(), emojis.map((e) => e.shortcode), emojis.map((e) => e.url)],
  );
}
