import { Injectable } from '@nestjs/common';
import { preparedQuery } from '@fediflow/database';
import { DataSource } from 'typeorm';
import {
  ACCOUNT_COLUMNS,
  AccountView,
  type AccountJson,
  type AccountRow,
} from '../accounts/account.view';
import { customEmojisSql, type CustomEmojiJson } from '../common/custom-emojis';
import { PublicUrls } from '../common/public-urls';
import {
  MediaAttachmentView,
  STATUS_MEDIA_JSON,
  type MediaAttachmentJson,
  type MediaRow,
} from '../media/media-attachment.view';

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/**
 * SQL predicate: may the viewer (`$1`, NULL when anonymous) see status `s`? Public and unlisted
 * posts are open; private ones need the author, a follower or a mentioned account; direct ones
 * the author or a mentioned account.
 */
export const VISIBLE_TO_VIEWER = `(
  s.visibility IN ('public', 'unlisted')
  OR s.account_id = $1
  OR EXISTS (SELECT 1 FROM mentions vm WHERE vm.status_id = s.id AND vm.account_id = $1)
  OR (s.visibility = 'private' AND EXISTS (
        SELECT 1 FROM follows vf WHERE vf.account_id = $1 AND vf.target_account_id = s.account_id)))`;

/**
 * A viewer's flag on each status of a page (`$1` the viewer, NULL for anonymous): one index probe
 * per status. Written as a `LIMIT 1` scalar subquery, not `EXISTS`, because the planner may run
 * an `EXISTS` as a hashed subplan that reads all of the viewer's rows (every favourite they ever
 * made: 8.7 of 11.6 ms of a public-timeline page for a member with 4,000 favourites).
 */
const viewerFlag = (name: string, from: string, where: string) =>
  `CASE WHEN $1::bigint IS NULL THEN NULL
        ELSE (SELECT true FROM ${from} WHERE ${where} LIMIT 1) IS NOT NULL END AS ${name}`;

interface StatusRow {
  id: string;
  in_page: boolean;
  uri: string | null;
  url: string | null;
  local: boolean;
  text: string;
  content: string;
  spoiler_text: string;
  sensitive: boolean;
  visibility: Visibility;
  language: string | null;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog_of_id: string | null;
  replies_count: number;
  reblogs_count: number;
  favourites_count: number;
  created_at: Date;
  edited_at: Date | null;
  account: AccountRow;
  mentions: { id: string; username: string; domain: string | null; url: string | null }[];
  tags: string[];
  media: MediaRow[];
  emojis: CustomEmojiJson[];
  favourited: boolean | null;
  reblogged: boolean | null;
  bookmarked: boolean | null;
  pinned: boolean | null;
}

export interface StatusJson {
  id: string;
  uri: string;
  url: string;
  created_at: string;
  edited_at: string | null;
  account: AccountJson;
  content: string;
  visibility: Visibility;
  sensitive: boolean;
  spoiler_text: string;
  media_attachments: MediaAttachmentJson[];
  application: null;
  mentions: { id: string; username: string; url: string; acct: string }[];
  tags: { name: string; url: string }[];
  emojis: CustomEmojiJson[];
  reblogs_count: number;
  favourites_count: number;
  replies_count: number;
  in_reply_to_id: string | null;
  in_reply_to_account_id: string | null;
  reblog: StatusJson | null;
  poll: null;
  card: null;
  language: string | null;
  text?: string;
  favourited?: boolean;
  reblogged?: boolean;
  muted?: boolean;
  bookmarked?: boolean;
  pinned?: boolean;
}

/**
 * Loads and serialises statuses for one viewer in a single query: the page's statuses, the
 * originals of its reblogs, each with author, mentions, tags and the viewer's own flags.
 */
@Injectable()
export class StatusView {
  constructor(
    private readonly db: DataSource,
    private readonly accounts: AccountView,
    private readonly urls: PublicUrls,
    private readonly media: MediaAttachmentView,
  ) {}

  /**
   * `pageSql` selects the `id`s of the page (its parameters continue from `params`, where `$1` is
   * the viewer). Returned newest first, or oldest first when `ascending`.
   */
  async page(
    pageSql: string,
    params: unknown[],
    options: { ascending?: boolean } = {},
  ): Promise<StatusJson[]> {
    // Prepared: planning this query cost more than running it (see preparedQuery).
    const rows = await preparedQuery<StatusRow>(
      this.db,
      `WITH page AS (${pageSql}),
            wanted AS (SELECT id FROM page
                       UNION SELECT s.reblog_of_id FROM statuses s JOIN page USING (id)
                              WHERE s.reblog_of_id IS NOT NULL)
       SELECT s.id, s.id IN (SELECT id FROM page) AS in_page, s.uri, s.url, s.local, s.text, s.content,
              s.spoiler_text, s.sensitive, s.visibility, s.language, s.in_reply_to_id,
              s.in_reply_to_account_id, s.reblog_of_id, s.replies_count, s.reblogs_count,
              s.favourites_count, s.created_at, s.edited_at,
              (SELECT row_to_json(acc) FROM (SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = s.account_id) acc) AS account,
              coalesce((SELECT json_agg(json_build_object('id', ma.id::text, 'username', ma.username,
                                                          'domain', ma.domain, 'url', ma.url))
                          FROM mentions m JOIN accounts ma ON ma.id = m.account_id
                         WHERE m.status_id = s.id), '[]') AS mentions,
              coalesce((SELECT json_agg(t.name ORDER BY t.name) FROM status_tags st JOIN tags t ON t.id = st.tag_id
                         WHERE st.status_id = s.id), '[]') AS tags,
              ${STATUS_MEDIA_JSON} AS media,
              ${customEmojisSql(
                '(SELECT ea.domain FROM accounts ea WHERE ea.id = s.account_id)',
                `s.content || ' ' || s.spoiler_text`,
              )} AS emojis,
              ${viewerFlag('favourited', 'favourites f', 'f.status_id = s.id AND f.account_id = $1')},
              ${viewerFlag('reblogged', 'statuses r', 'r.reblog_of_id = s.id AND r.account_id = $1')},
              ${viewerFlag('bookmarked', 'bookmarks b', 'b.status_id = s.id AND b.account_id = $1')},
              ${viewerFlag('pinned', 'status_pins p', 'p.status_id = s.id AND p.account_id = $1')}
         FROM statuses s JOIN wanted USING (id)`,
      params,
    );
    const byId = new Map(rows.map((row) => [String(row.id), row]));
    const direction = options.ascending ? 1 : -1;
    return rows
      .filter((row) => row.in_page)
      .sort((a, b) => (BigInt(a.id) > BigInt(b.id) ? direction : -direction))
      .map((row) => {
        const original = row.reblog_of_id ? byId.get(String(row.reblog_of_id)) : undefined;
        return this.toJson(row, original ? this.toJson(original, null) : null);
      });
  }

  /**
   * Statuses by primary key, newest first (a home page read from its feed), in one query. The
   * visibility check is defence in depth: the feed holds only what its member may see.
   */
  byIds(ids: readonly string[], viewerId: string): Promise<StatusJson[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.page(
      `SELECT s.id FROM statuses s WHERE s.id = ANY($2::bigint[]) AND ${VISIBLE_TO_VIEWER}`,
      [viewerId, ids],
    );
  }

  /** One status by id if the viewer may see it. */
  async one(id: string, viewerId: string | null): Promise<StatusJson | undefined> {
    const [status] = await this.page(
      `SELECT s.id FROM statuses s WHERE s.id = $2 AND ${VISIBLE_TO_VIEWER}`,
      [viewerId, id],
    );
    return status;
  }

  /**
   * Mastodon's StatusSource (`GET /api/v1/statuses/:id/source`, what an edit form starts from):
   * for anyone who may see the status, as Mastodon's StatusPolicy#show? decides.
   */
  async source(
    id: string,
    viewerId: string | null,
  ): Promise<{ id: string; text: string; spoiler_text: string } | undefined> {
    const [row] = await this.db.query(
      `SELECT s.id::text AS id, s.text, s.spoiler_text FROM statuses s
        WHERE s.id = $2 AND s.reblog_of_id IS NULL AND ${VISIBLE_TO_VIEWER}`,
      [viewerId, id],
    );
    return row;
  }

  /** The plain-text sources of statuses, for "delete and redraft". */
  async sources(ids: readonly string[]): Promise<{ id: string; text: string }[]> {
    return this.db.query(`SELECT id::text AS id, text FROM statuses WHERE id = ANY($1::bigint[])`, [
      ids,
    ]);
  }

  private toJson(row: StatusRow, reblog: StatusJson | null): StatusJson {
    const author = row.account;
    const id = String(row.id);
    const json: StatusJson = {
      id,
      uri: row.uri ?? this.urls.status(author.username, id),
      url: row.url ?? row.uri ?? this.urls.statusPage(author.username, id),
      created_at: new Date(row.created_at).toISOString(),
      edited_at: row.edited_at ? new Date(row.edited_at).toISOString() : null,
      account: this.accounts.toJson(author),
      content: reblog ? '' : row.content,
      visibility: row.visibility,
      sensitive: row.sensitive,
      spoiler_text: row.spoiler_text,
      media_attachments: reblog ? [] : row.media.map((media) => this.media.toJson(media)),
      application: null,
      mentions: row.mentions.map((m) => ({
        id: String(m.id),
        username: m.username,
        url: m.url ?? this.urls.profile(m.username),
        acct: m.domain ? `${m.username}@${m.domain}` : m.username,
      })),
      tags: row.tags.map((name) => ({ name, url: this.urls.tag(name) })),
      emojis: reblog ? [] : row.emojis,
      reblogs_count: row.reblogs_count,
      favourites_count: row.favourites_count,
      replies_count: row.replies_count,
      in_reply_to_id: row.in_reply_to_id === null ? null : String(row.in_reply_to_id),
      in_reply_to_account_id:
        row.in_reply_to_account_id === null ? null : String(row.in_reply_to_account_id),
      reblog,
      poll: null,
      card: null,
      language: row.language,
    };
    if (row.favourited !== null) {
      Object.assign(json, {
        favourited: row.favourited,
        reblogged: row.reblogged ?? false,
        muted: false,
        bookmarked: row.bookmarked ?? false,
        pinned: row.pinned ?? false,
      });
    }
    return json;
  }
}
