import type { InboxContext } from '@fedify/fedify';
import type { DataSource } from 'typeorm';
import { findLocalAccount } from '../local-actors';

export type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/**
 * Getter options that read only what an object embeds: a property given as a bare link would
 * need a fetch, which fails instead (callers skip what they cannot read).
 */
export const EMBEDDED_ONLY = {
  documentLoader: () => Promise.reject(new Error('only embedded objects are read')),
};

/** The local member an URI of ours names (`/users/<username>`, exact), if any. */
export async function localActor(db: DataSource, ctx: InboxContext<void>, uri: URL) {
  const parsed = ctx.parseUri(uri);
  if (parsed?.type !== 'actor') return undefined;
  const account = await findLocalAccount(db, parsed.identifier);
  return account && account.username === parsed.identifier ? account : undefined;
}

/** The local status an URI of ours names (`/users/{u}/statuses/{id}`), if any. */
export async function localStatus(db: DataSource, ctx: InboxContext<void>, uri: URL) {
  const parsed = ctx.parseUri(uri);
  if (parsed?.type !== 'object' || !/^\d{1,19}$/.test(parsed.values.id ?? '')) return undefined;
  const rows = (await db.query(
    `SELECT s.id::text AS id, s.account_id::text AS account_id, s.visibility FROM statuses s
       JOIN accounts a ON a.id = s.account_id AND a.domain IS NULL
      WHERE s.id = $1 AND lower(a.username) = lower($2) AND s.reblog_of_id IS NULL`,
    [parsed.values.id, parsed.values.identifier ?? ''],
  )) as { id: string; account_id: string; visibility: Visibility }[];
  return rows[0];
}

export async function remoteAccountId(db: DataSource, uri: URL): Promise<string | undefined> {
  const rows = (await db.query(
    `SELECT id::text AS id FROM accounts WHERE uri = $1 AND domain IS NOT NULL`,
    [uri.href],
  )) as { id: string }[];
  return rows[0]?.id;
}

/** Whether a member of this instance follows the account. */
export async function followedHere(db: DataSource, accountId: string): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id AND a.domain IS NULL
      WHERE f.target_account_id = $1 LIMIT 1`,
    [accountId],
  )) as unknown[];
  return rows.length > 0;
}

export function linkHref(value: unknown): string | null {
  if (value instanceof URL) return value.href;
  const href = (value as { href?: unknown } | null)?.href;
  return href instanceof URL ? href.href : null;
}
