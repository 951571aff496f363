import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface LocalMember {
  username: string;
  accountId: string;
  userId: string;
  email: string;
  unsubscribeToken: string;
}

/** A local member as sign-up leaves it: an account and its login. */
export async function localMember(
  db: DataSource,
  input: {
    username: string;
    displayName?: string;
    note?: string;
    locked?: boolean;
    /** Opted in to the e-mail digest (off by default, as at sign-up). */
    digest?: boolean;
  },
): Promise<LocalMember> {
  const [account] = (await db.query(
    `INSERT INTO accounts (username, display_name, note, locked) VALUES ($1, $2, $3, $4)
     RETURNING id::text AS id`,
    [input.username, input.displayName ?? '', input.note ?? '', input.locked ?? false],
  )) as { id: string }[];
  const email = `${input.username}@example.test`;
  const unsubscribeToken = randomBytes(12).toString('hex');
  const [user] = (await db.query(
    `INSERT INTO users (account_id, email, password_hash, unsubscribe_token, digest_enabled)
     VALUES ($1, $2, 'not-a-hash', $3, $4) RETURNING id::text AS id`,
    [account!.id, email, unsubscribeToken, input.digest ?? false],
  )) as { id: string }[];
  return {
    username: input.username,
    accountId: account!.id,
    userId: user!.id,
    email,
    unsubscribeToken,
  };
}

/**
 * An account of another server, as a remote lookup stores it. `uri` is the actor's id; its host
 * is the account's domain. A `RemoteServer` fits: `remoteActor(db, { uri: remote.actorId, ... })`.
 */
export async function remoteActor(
  db: DataSource,
  input: {
    username: string;
    uri: URL | string;
    inbox?: URL | string;
    sharedInbox?: URL | string;
    displayName?: string;
  },
): Promise<string> {
  const uri = new URL(input.uri);
  const [row] = (await db.query(
    `INSERT INTO accounts (username, domain, display_name, uri, inbox_url, shared_inbox_url)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id::text AS id`,
    [
      input.username,
      uri.host,
      input.displayName ?? '',
      uri.href,
      input.inbox ? new URL(input.inbox).href : null,
      input.sharedInbox ? new URL(input.sharedInbox).href : null,
    ],
  )) as { id: string }[];
  return row!.id;
}
