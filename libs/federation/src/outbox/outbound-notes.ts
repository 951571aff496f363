import type { Context } from '@fedify/fedify';
import type { EntityManager } from 'typeorm';
import type { MentionedActor, OutboundNote, OutboundStatusRow } from './note-activities';

/**
 * What the Notes of these local statuses tag: every mentioned account (members of this instance
 * too, as Mastodon tags them) and every hashtag, read in two queries whatever the page size.
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
