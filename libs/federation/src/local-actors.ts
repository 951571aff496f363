import type { DataSource, EntityManager } from 'typeorm';

/** A member of this instance as federation shows it. */
export interface LocalAccountRow {
  id: string;
  username: string;
  display_name: string;
  note: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  created_at: Date;
  updated_at: Date;
  /** Media storage keys of the uploaded avatar and header; none for the default images. */
  avatar_file_key: string | null;
  header_file_key: string | null;
}

export interface LocalStatusRow {
  id: string;
  username: string;
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  visibility: 'public' | 'unlisted';
  language: string | null;
  created_at: Date;
  edited_at: Date | null;
  in_reply_to_uri: string | null;
  in_reply_to_id: string | null;
  in_reply_to_username: string | null;
}

const ACCOUNT_COLUMNS = `a.id::text AS id, a.username, a.display_name, a.note, a.locked, a.bot,
  a.discoverable, a.created_at, a.updated_at, a.avatar_file_key, a.header_file_key`;

/** Columns of a local public/unlisted status with what its Note needs of its parent. */
export const STATUS_SELECT = `
  SELECT s.id::text AS id, a.username, s.content, s.spoiler_text, s.sensitive, s.visibility,
         s.language, s.created_at, s.edited_at,
         p.uri AS in_reply_to_uri, p.id::text AS in_reply_to_id, pa.username AS in_reply_to_username
    FROM statuses s
    JOIN accounts a ON a.id = s.account_id AND a.domain IS NULL
    LEFT JOIN statuses p ON p.id = s.in_reply_to_id
    LEFT JOIN accounts pa ON pa.id = p.account_id AND pa.domain IS NULL`;

/** Local accounts by username (case-insensitive, as WebFinger handles are). */
export async function findLocalAccount(
  db: Pick<EntityManager, 'query'>,
  username: string,
): Promise<LocalAccountRow | undefined> {
  const rows = (await db.query(
    `SELECT ${ACCOUNT_COLUMNS} FROM accounts a
      WHERE a.domain IS NULL AND lower(a.username) = lower($1)`,
    [username],
  )) as LocalAccountRow[];
  return rows[0];
}

/** A local status that may be shown to anyone (public or unlisted, no reblog). */
export async function findPublicStatus(
  db: DataSource,
  username: string,
  statusId: string,
): Promise<LocalStatusRow | undefined> {
  if (!/^\d{1,19}$/.test(statusId)) return undefined;
  const rows = (await db.query(
    `${STATUS_SELECT}
      WHERE s.id = $1 AND s.local AND lower(a.username) = lower($2)
        AND s.visibility IN ('public', 'unlisted') AND s.reblog_of_id IS NULL`,
    [statusId, username],
  )) as LocalStatusRow[];
  return rows[0];
}
