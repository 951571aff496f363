import { migratedDatabase } from '@fediflow/testing/fixtures';
import type { DataSource } from 'typeorm';

/** A migrated database of the suite's own, with small factories for the rows the tests need. */
export interface SocialDatabase {
  db: DataSource;
  /** A member here (`remote`: an account of another server). Returns its id. */
  account(username: string, options?: { remote?: boolean }): Promise<string>;
  status(accountId: string, options?: { inReplyToId?: string }): Promise<string>;
  counters(accountId: string): Promise<AccountCounters>;
  statusCounters(statusId: string): Promise<StatusCounters>;
  notifications(
    accountId: string,
  ): Promise<{ type: string; from: string; status: string | null }[]>;
  close(): Promise<void>;
}

export interface AccountCounters {
  followers: number;
  following: number;
  statuses: number;
}

export interface StatusCounters {
  replies: number;
  reblogs: number;
  favourites: number;
}

const ACCOUNT_COUNTERS = `SELECT followers_count AS followers, following_count AS following,
                                 statuses_count AS statuses FROM accounts WHERE id = $1`;
const STATUS_COUNTERS = `SELECT replies_count AS replies, reblogs_count AS reblogs,
                                favourites_count AS favourites FROM statuses WHERE id = $1`;

export async function socialDatabase(label: string): Promise<SocialDatabase> {
  const { db, release } = await migratedDatabase(label);
  return {
    db,
    async account(username, options = {}) {
      const domain = options.remote ? 'remote.example' : null;
      const [row] = (await db.query(
        `INSERT INTO accounts (username, domain, uri) VALUES ($1, $2, $3) RETURNING id::text AS id`,
        [username, domain, domain ? `https://${domain}/users/${username}` : null],
      )) as { id: string }[];
      return row!.id;
    },
    async status(accountId, options = {}) {
      const [row] = (await db.query(
        `INSERT INTO statuses (account_id, local, text, visibility, in_reply_to_id)
         VALUES ($1, true, 'hello', 'public', $2) RETURNING id::text AS id`,
        [accountId, options.inReplyToId ?? null],
      )) as { id: string }[];
      return row!.id;
    },
    counters: (accountId) => one<AccountCounters>(db, ACCOUNT_COUNTERS, accountId),
    statusCounters: (statusId) => one<StatusCounters>(db, STATUS_COUNTERS, statusId),
    notifications: (accountId) =>
      db.query(
        `SELECT type, from_account_id::text AS "from", status_id::text AS status
           FROM notifications WHERE account_id = $1 ORDER BY id`,
        [accountId],
      ),
    close: release,
  };
}

async function one<T>(db: DataSource, sql: string, id: string): Promise<T> {
  const [row] = (await db.query(sql, [id])) as T[];
  if (!row) throw new Error(`no row for ${id}`);
  return row;
}
