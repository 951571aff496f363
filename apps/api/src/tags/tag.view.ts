import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ApiError } from '../common/api-error';
import { PublicUrls } from '../common/public-urls';

/** Mastodon's Tag entity; history counts are strings, days are Unix timestamps (as Mastodon). */
export interface TagJson {
  /** `''` for a name no status has used yet, as Mastodon serialises an unsaved tag. */
  id: string;
  name: string;
  url: string;
  history: { day: string; uses: string; accounts: string }[];
  following?: boolean;
}

/** Letters, digits, underscores and the joiners Mastodon's hashtag pattern allows. */
const TAG_NAME = /^[\p{L}\p{N}_\u00b7\u200c]{1,100}$/u;

/** `#Café` → `café`, or a 404 for something that cannot be a hashtag (as Mastodon answers). */
export function normalizeTagName(raw: string): string {
  const name = raw.replace(/^#/, '').normalize('NFKC').toLowerCase();
  if (!TAG_NAME.test(name) || /^\d+$/.test(name)) throw ApiError.notFound('Tag');
  return name;
}

@Injectable()
export class TagView {
  constructor(
    private readonly db: DataSource,
    private readonly urls: PublicUrls,
  ) {}

  async byName(name: string, viewerId: string | null): Promise<TagJson> {
    const [tag]: { id: string }[] = await this.db.query(
      `SELECT id::text AS id FROM tags WHERE name = $1`,
      [name],
    );
    return this.toJson(tag?.id ?? '', name, viewerId);
  }

  async toJson(id: string, name: string, viewerId: string | null): Promise<TagJson> {
    const tagId = id === '' ? null : id;
    const [history, following] = await Promise.all([
      this.history(tagId),
      viewerId && tagId
        ? this.db
            .query(`SELECT 1 FROM tag_follows WHERE account_id = $1 AND tag_id = $2`, [
              viewerId,
              tagId,
            ])
            .then((rows: unknown[]) => rows.length > 0)
        : false,
    ]);
    return {
      id,
      name,
      url: this.urls.tag(name),
      history,
      ...(viewerId ? { following } : {}),
    };
  }

  /** Public uses per UTC day for the last seven days, newest first. */
  private history(tagId: string | null): Promise<TagJson['history']> {
    return this.db.query(
      `SELECT extract(epoch FROM d.day)::bigint::text AS day,
              count(s.id)::text AS uses,
              count(DISTINCT s.account_id)::text AS accounts
         FROM generate_series(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '6 days',
                              date_trunc('day', now() AT TIME ZONE 'UTC'), interval '1 day') AS d(day)
         LEFT JOIN (status_tags st JOIN statuses s ON s.id = st.status_id AND s.visibility = 'public')
           ON st.tag_id = $1
          AND s.created_at >= d.day AT TIME ZONE 'UTC'
          AND s.created_at < (d.day + interval '1 day') AT TIME ZONE 'UTC'
        GROUP BY d.day
        ORDER BY d.day DESC`,
      [tagId],
    );
  }
}
