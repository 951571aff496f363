import type { Context } from '@fedify/fedify';
import { Delete, Hashtag, Mention, Note, PUBLIC_COLLECTION, Tombstone } from '@fedify/fedify/vocab';
import type { LocalStatusRow } from '../local-actors';
import { instant } from '../temporal';
import { activityIds } from './activity-ids';
import { MediaCreate, MediaDocument, MediaNote, MediaUpdate } from './mastodon-media-terms';

export type StatusVisibility = 'public' | 'unlisted' | 'private' | 'direct';

/** A local status as its Note shows it (any visibility: deliveries address each one). */
export type OutboundStatusRow = Omit<LocalStatusRow, 'visibility'> & {
  visibility: StatusVisibility;
};

/** An account a status mentions: its actor URI and `@user@domain` handle. */
export interface MentionedActor {
  uri: URL;
  handle: string;
}

/** A processed media attachment of a local status, as its Note shows it. */
export interface OutboundAttachment {
  url: URL;
  mediaType: string;
  description: string;
  width: number | null;
  height: number | null;
  blurhash: string | null;
  /** Mastodon's focus (x, y from -1 to 1). */
  focus: readonly [number, number];
}

/** A local status with what its Note tags: the accounts it mentions and its hashtags. */
export interface OutboundNote {
  row: OutboundStatusRow;
  mentions: readonly MentionedActor[];
  /** Lower-cased names without `#`, as `tags.name` stores them. */
  hashtags: readonly string[];
  /** In the order the member attached them. */
  attachments: readonly OutboundAttachment[];
}

/** Where a hashtag's page is (the same path the API links in content). */
export function tagUri(ctx: Context<void>, name: string): URL {
  return new URL(`/tags/${encodeURIComponent(name)}`, ctx.canonicalOrigin);
}

export function statusUri(ctx: Context<void>, username: string, id: string): URL {
  return ctx.getObjectUri(Note, { identifier: username, id });
}

/**
 * The Note of a local status, the one renderer behind deliveries, the object dispatcher and the
 * outbox collection. Addressing follows Mastodon: public → to Public, cc followers; unlisted → to
 * followers, cc Public; private → to followers; direct → to the mentioned only. Mentioned actors
 * are always addressed (cc, or to for direct) and tagged (`Mention`); hashtags are `Hashtag` tags,
 * the only place Mastodon and Misskey index them from. Media are `Document`s as Mastodon sends
 * them (`mediaType`, `url`, `name` as alt text, `width`/`height`, `blurhash`, `focalPoint`: the
 * last two are not in Fedify's vocabulary, see mastodon-media-terms.ts).
 */
export function toNote(ctx: Context<void>, note: OutboundNote): Note {
  const { row, mentions, hashtags, attachments } = note;
  const actor = ctx.getActorUri(row.username);
  const followers = ctx.getFollowersUri(row.username);
  const mentioned = mentions.map((m) => m.uri);
  const inReplyTo = row.in_reply_to_uri
    ? new URL(row.in_reply_to_uri)
    : row.in_reply_to_id && row.in_reply_to_username
      ? statusUri(ctx, row.in_reply_to_username, row.in_reply_to_id)
      : null;
  const [tos, ccs] = addressing(row.visibility, followers, mentioned);
  return new MediaNote({
    id: statusUri(ctx, row.username, row.id),
    attribution: actor,
    content: row.content,
    summary: row.spoiler_text || null,
    sensitive: row.sensitive,
    url: new URL(`/@${row.username}/${row.id}`, ctx.canonicalOrigin),
    published: instant(row.created_at),
    updated: row.edited_at ? instant(row.edited_at) : null,
    replyTarget: inReplyTo,
    tos,
    ccs,
    tags: [
      ...mentions.map((m) => new Mention({ href: m.uri, name: m.handle })),
      ...hashtags.map((name) => new Hashtag({ href: tagUri(ctx, name), name: `#${name}` })),
    ],
    attachments: attachments.map(
      (media) =>
        new MediaDocument({
          mediaType: media.mediaType,
          url: media.url,
          name: media.description || null,
          width: media.width,
          height: media.height,
          blurhash: media.blurhash,
          focalPoint: media.focus,
        }),
    ),
  });
}

function addressing(
  visibility: StatusVisibility,
  followers: URL,
  mentioned: URL[],
): [URL[], URL[]] {
  switch (visibility) {
    case 'public':
      return [[PUBLIC_COLLECTION], [followers, ...mentioned]];
    case 'unlisted':
      return [[followers], [PUBLIC_COLLECTION, ...mentioned]];
    case 'private':
      return [[followers], mentioned];
    case 'direct':
      return [mentioned, []];
  }
}

export function createActivity(ctx: Context<void>, outbound: OutboundNote): MediaCreate {
  const note = toNote(ctx, outbound);
  return new MediaCreate({
    id: activityIds.ofStatus(note.id!),
    actor: note.attributionId,
    published: note.published,
    tos: note.toIds,
    ccs: note.ccIds,
    object: note,
  });
}

/** An edit: the Note as it now is; the id is unique per edit (its time). */
export function updateActivity(ctx: Context<void>, outbound: OutboundNote): MediaUpdate {
  const note = toNote(ctx, outbound);
  const at = outbound.row.edited_at ? outbound.row.edited_at.getTime() : Date.now();
  return new MediaUpdate({
    id: activityIds.update(note.id!, at),
    actor: note.attributionId,
    published: note.updated,
    tos: note.toIds,
    ccs: note.ccIds,
    object: note,
  });
}

/** Deletion of a status: a Tombstone in place of the Note, to whom the Note went. */
export function deleteActivity(
  ctx: Context<void>,
  row: Pick<OutboundStatusRow, 'id' | 'username' | 'visibility'>,
  mentions: readonly MentionedActor[] = [],
): Delete {
  const noteId = statusUri(ctx, row.username, row.id);
  const [tos, ccs] = addressing(
    row.visibility,
    ctx.getFollowersUri(row.username),
    mentions.map((m) => m.uri),
  );
  return new Delete({
    id: activityIds.deletion(noteId),
    actor: ctx.getActorUri(row.username),
    tos,
    ccs,
    object: new Tombstone({ id: noteId }),
  });
}
