import type { DataSource } from 'typeorm';
import type { InboxDeps } from './inbox-deps';

export async function isReblog(db: DataSource, uri: URL): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM statuses WHERE uri = $1 AND reblog_of_id IS NOT NULL`,
    [uri.href],
  )) as unknown[];
  return rows.length > 0;
}

/** Removes `announcerId`'s reblog stored under `uri`: counters and the reblog notification. */
export async function undoAnnounce(
  { social }: InboxDeps,
  announcerId: string,
  uri: URL,
): Promise<boolean> {
  return social.transaction((manager) =>
    social.reblogs.removeByUri(manager, announcerId, uri.href),
  );
}
