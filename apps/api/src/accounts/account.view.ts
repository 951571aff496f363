import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { renderFieldValue, renderStatusText } from '../common/content/status-text';
import { MediaStorage } from '@fediflow/media';
import { customEmojisSql, type CustomEmojiJson } from '../common/custom-emojis';
import { PublicUrls } from '../common/public-urls';

/** The columns every account query selects (`a` is the alias); ids as text, also inside JSON. */
export const ACCOUNT_COLUMNS = `a.id::text AS id, a.username, a.domain, a.display_name, a.note, a.locked, a.bot,
  a.discoverable, a.uri, a.url, a.followers_count, a.following_count, a.statuses_count,
  a.last_status_at, a.created_at, a.fields, a.avatar_file_key, a.header_file_key,
  a.avatar_remote_url, a.header_remote_url,
  ${customEmojisSql('a.domain', `a.display_name || ' ' || a.note`)} AS emojis`;

/** A profile field as stored: plain text for local accounts. */
export interface ProfileField {
  name: string;
  value: string;
}

export interface AccountRow {
  id: string;
  username: string;
  domain: string | null;
  display_name: string;
  note: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  uri: string | null;
  url: string | null;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: Date | string | null;
  created_at: Date | string;
  /** Absent where a query builds rows without it (treated as none). */
  fields?: ProfileField[];
  /** Media storage keys of uploaded images; the default images when absent. */
  avatar_file_key?: string | null;
  header_file_key?: string | null;
  /** A remote actor's `icon` and `image`, shown from their origin. */
  avatar_remote_url?: string | null;
  header_remote_url?: string | null;
  /** Absent where a query builds rows without it (treated as none). */
  emojis?: CustomEmojiJson[];
}

/** Mastodon's Account entity. */
export interface AccountJson {
  id: string;
  username: string;
  acct: string;
  display_name: string;
  locked: boolean;
  bot: boolean;
  discoverable: boolean;
  group: boolean;
  created_at: string;
  note: string;
  url: string;
  uri: string;
  avatar: string;
  avatar_static: string;
  header: string;
  header_static: string;
  followers_count: number;
  following_count: number;
  statuses_count: number;
  last_status_at: string | null;
  emojis: CustomEmojiJson[];
  fields: { name: string; value: string; verified_at: null }[];
}

const toIso = (value: Date | string) => new Date(value).toISOString();

@Injectable()
export class AccountView {
  constructor(
    private readonly db: DataSource,
    private readonly urls: PublicUrls,
    private readonly storage: MediaStorage,
  ) {}

  toJson(row: AccountRow): AccountJson {
    const avatar = row.avatar_file_key
      ? this.storage.url(row.avatar_file_key)
      : (row.avatar_remote_url ?? this.urls.missingAvatar);
    const header = row.header_file_key
      ? this.storage.url(row.header_file_key)
      : (row.header_remote_url ?? this.urls.missingHeader);
    const local = row.domain === null;
    // JSON built in SQL (row_to_json) carries timestamps as strings; drivers give Dates.
    const created = new Date(row.created_at);
    created.setUTCHours(0, 0, 0, 0); // Mastodon publishes the day only
    return {
      id: String(row.id),
      username: row.username,
      acct: local ? row.username : `${row.username}@${row.domain}`,
      display_name: row.display_name,
      locked: row.locked,
      bot: row.bot,
      discoverable: row.discoverable,
      group: false,
      created_at: created.toISOString(),
      // Local notes are plain text; remote ones arrive as sanitised HTML from federation.
      note: local
        ? renderStatusText(row.note, {
            mention: () => undefined,
            tagUrl: (name) => this.urls.tag(name),
          })
        : row.note,
      // Remote actors without a profile page (`url`) are shown by their id.
      url: row.url ?? (local ? this.urls.profile(row.username) : (row.uri ?? '')),
      uri: row.uri ?? this.urls.actor(row.username),
      avatar,
      avatar_static: avatar,
      header,
      header_static: header,
      followers_count: row.followers_count,
      following_count: row.following_count,
      statuses_count: row.statuses_count,
      last_status_at: row.last_status_at ? toIso(row.last_status_at).slice(0, 10) : null,
      emojis: row.emojis ?? [],
      fields: (row.fields ?? []).map((field) => ({
        name: field.name,
        value: local
          ? renderFieldValue(field.value, {
              mention: () => undefined,
              tagUrl: (name) => this.urls.tag(name),
            })
          : field.value,
        verified_at: null,
      })),
    };
  }

  async find(id: string): Promise<AccountRow | undefined> {
    const [row]: AccountRow[] = await this.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = $1`,
      [id],
    );
    return row;
  }

  async findMany(ids: readonly string[]): Promise<AccountRow[]> {
    if (ids.length === 0) return [];
    return this.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a WHERE a.id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** `user` or `user@domain`; this instance's own host counts as local. */
  async findByAcct(acct: string): Promise<AccountRow | undefined> {
    const [username, domain] = acct.replace(/^@/, '').split('@');
    if (!username) return undefined;
    const remote =
      domain && domain.toLowerCase() !== this.urls.host.toLowerCase() ? domain.toLowerCase() : null;
    const [row]: AccountRow[] = await this.db.query(
      `SELECT ${ACCOUNT_COLUMNS} FROM accounts a
        WHERE lower(a.username) = lower($1) AND coalesce(a.domain, '') = coalesce($2, '')`,
      [username, remote],
    );
    return row;
  }
}
