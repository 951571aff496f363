import type { DataSource } from 'typeorm';

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/** A local member's post as the API stores it (plain text, its HTML as `<p>text</p>`). */
export async function status(
  db: DataSource,
  input: { accountId: string; text: string; spoilerText?: string; visibility?: Visibility },
): Promise<string> {
  const [row] = (await db.query(
    `INSERT INTO statuses (account_id, local, text, content, spoiler_text, visibility)
     VALUES ($1, true, $2, '<p>' || $2 || '</p>', $3, $4) RETURNING id::text AS id`,
    [input.accountId, input.text, input.spoilerText ?? '', input.visibility ?? 'public'],
  )) as { id: string }[];
  return row!.id;
}
