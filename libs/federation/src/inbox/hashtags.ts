import { Hashtag } from '@fedify/fedify/vocab';
import type { EntityManager } from 'typeorm';

/** As Misskey (`extractApHashtags(...).splice(0, 32)`): a post names at most this many tags. */
const MAX_HASHTAGS = 32;
const MAX_TAG_LENGTH = 100;
/**
 * What a hashtag name is (letters, digits, `_`, not digits only): one rule for the tags members
 * write (the API's status text parser embeds it) and for remote `Hashtag` tags.
 */
export const HASHTAG_NAME_SOURCE = String.raw`[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*`;
const TAG_NAME = new RegExp(`^${HASHTAG_NAME_SOURCE}$`, 'u');

/**
 * The stored name of a remote `Hashtag` tag (`#Café` → `café`), or undefined when it is not one
 * we could link (Mastodon, Misskey and GoToSocial all send `name` with the `#`; some omit it).
 */
export function hashtagName(tag: Hashtag): string | undefined {
  const raw = tag.name?.toString().trim().replace(/^#/, '').normalize('NFKC').toLowerCase();
  if (!raw || raw.length > MAX_TAG_LENGTH || !TAG_NAME.test(raw)) return undefined;
  return raw;
}

/** Adds names to a set up to the limit. */
export function addHashtag(names: Set<string>, tag: Hashtag): void {
  const name = hashtagName(tag);
  if (name && names.size < MAX_HASHTAGS) names.add(name);
}

/** An edited remote status's tags become these (tag timelines then include it). */
export async function replaceStatusTags(
  manager: EntityManager,
  statusId: string,
  names: readonly string[],
): Promise<void> {
  await manager.query(`DELETE FROM status_tags WHERE status_id = $1`, [statusId]);
  await attachStatusTags(manager, statusId, names);
}

/** Links a status to its tags, creating tags not seen before (local and remote statuses). */
export async function attachStatusTags(
  manager: EntityManager,
  statusId: string,
  names: readonly string[],
): Promise<void> {
  if (names.length === 0) return;
  // lower() once more in SQL: `tags` checks name = lower(name) with the database's own rules,
  // which a remote name must not be able to trip (the whole post would fail to store).
  await manager.query(
    `INSERT INTO tags (name) SELECT DISTINCT lower(n) FROM unnest($1::text[]) AS n
     ON CONFLICT (name) DO NOTHING`,
    [names],
  );
  await manager.query(
    `INSERT INTO status_tags (status_id, tag_id)
     SELECT $1, id FROM tags WHERE name IN (SELECT lower(n) FROM unnest($2::text[]) AS n)
     ON CONFLICT DO NOTHING`,
    [statusId, names],
  );
}
