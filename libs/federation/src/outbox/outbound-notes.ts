import type { Context } from '@fedify/fedify';
import type { EntityManager } from 'typeorm';
import type {
  MentionedActor,
  OutboundAttachment,
  OutboundNote,
  OutboundStatusRow,
} from './note-activities';

/**
 * Where remote servers fetch a local media file: the api's `/system/<key>`, which serves it or,
 * with S3, redirects to the CDN; a Note stays valid whatever storage the media moves to.
 */
export function mediaFileUri(ctx: Context<void>, key: string): URL {
  return new URL(`/system/${key}`, ctx.canonicalOrigin);
}

/**
 * What the Notes of these local statuses tag and carry: every mentioned account (members of this
 * instance too, as Mastodon tags them), every hashtag and the processed media, read in three
 * queries whatever the page size.
 */
export async function loadOutboundNotes(
  db: Pick<EntityManager, 'query'>,
  ctx: Context<void>,
  rows: readonly OutboundStatusRow[],
): Promise<OutboundNote[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const host = new URL(ctx.canonicalOrigin).host;
  const mentionRows = (await db.query(
    `SELECT m.status_id::text AS status_id, a.username, a.domain, a.uri
       FROM mentions m JOIN accounts a ON a.id = m.account_id
      WHERE m.status_id = ANY($1::bigint[]) AND (a.domain IS NULL OR a.uri IS NOT NULL)
      ORDER BY a.id`,
    [ids],
  )) as { status_id: string; username: string; domain: string | null; uri: string | null }[];
  const tagRows = (await db.query(
    `SELECT st.status_id::text AS status_id, t.name
       FROM status_tags st JOIN tags t ON t.id = st.tag_id
      WHERE st.status_id = ANY($1::bigint[]) ORDER BY t.name`,
    [ids],
  )) as { status_id: string; name: string }[];
  const mediaRows = (await db.query(
    `SELECT status_id::text AS status_id, file_key, content_type, description, width, height,
            blurhash, round(focus_x::numeric, 2)::float8 AS focus_x,
            round(focus_y::numeric, 2)::float8 AS focus_y
       FROM media_attachments
      WHERE status_id = ANY($1::bigint[]) AND processing = 'processed'
      ORDER BY position, id`,
    [ids],
  )) as {
    status_id: string;
    file_key: string;
    content_type: string;
    description: string;
    width: number | null;
    height: number | null;
    blurhash: string | null;
    focus_x: number;
    focus_y: number;
  }[];
  const attachments = new Map<string, OutboundAttachment[]>();
  for (const m of mediaRows) {
    const list = attachments.get(m.status_id) ?? [];
    list.push({
      url: mediaFileUri(ctx, m.file_key),
      mediaType: m.content_type,
      description: m.description,
      width: m.width,
      height: m.height,
      blurhash: m.blurhash,
      focus: [m.focus_x, m.focus_y],
    });
    attachments.set(m.status_id, list);
  }
  const mentions = new Map<string, MentionedActor[]>();
  for (const m of mentionRows) {
    const uri = m.domain === null ? ctx.getActorUri(m.username) : new URL(m.uri!);
    const list = mentions.get(m.status_id) ?? [];
    list.push({ uri, handle: `@${m.username}@${m.domain ?? host}` });
    mentions.set(m.status_id, list);
  }
  const hashtags = new Map<string, string[]>();
  for (const t of tagRows)
    hashtags.set(t.status_id, [...(hashtags.get(t.status_id) ?? []), t.name]);
  return rows.map((row) => ({
    row,
    mentions: mentions.get(row.id) ?? [],
    hashtags: hashtags.get(row.id) ?? [],
    attachments: attachments.get(row.id) ?? [],
  }));
}

export async function loadOutboundNote(
  db: Pick<EntityManager, 'query'>,
  ctx: Context<void>,
  row: OutboundStatusRow,
): Promise<OutboundNote> {
  const [note] = await loadOutboundNotes(db, ctx, [row]);
  return note!;
}
