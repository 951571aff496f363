import { Global, Inject, Injectable, Logger, Module } from '@nestjs/common';
import { APP_CONFIG, type ApiConfig } from '@fediflow/config';
import {
  createActivity,
  deleteActivity,
  FederationCoreModule,
  FederationRuntime,
  findLocalAccount,
  followActivity,
  followUri,
  loadOutboundNote,
  STATUS_SELECT,
  statusUri,
  toPerson,
  undoFollowActivity,
  updateActivity,
  updatePersonActivity,
  type OutboundNote,
  type OutboundStatusRow,
  type StatusVisibility,
} from '@fediflow/federation';
import type { Context } from '@fedify/fedify';
import {
  Accept,
  Announce,
  Follow,
  Like,
  PUBLIC_COLLECTION,
  Reject,
  Undo,
  type Activity,
  type Recipient,
} from '@fedify/fedify/vocab';
import { DataSource } from 'typeorm';
import { OutboxRelay, type OutboxDelivery, type Queryable } from './outbox-relay';

/**
 * A delivery prepared before a transaction whose rows it needs (a deletion), recorded in the
 * outbox by that transaction.
 */
export type PreparedDelivery = OutboxDelivery;

interface RemoteRow {
  uri: string;
  inbox_url: string | null;
  shared_inbox_url: string | null;
  handle: string;
}

/**
 * Sends what members do to the remote servers concerned: each method takes the action's
 * transaction (`db`) and records the activity in the transactional outbox there, which the
 * relay hands to Fedify's queue once committed (`OutboxRelay`); the workers sign and deliver.
 * A failure to build an activity is logged and never fails the member's request. With
 * FEDERATION_ENABLED=false nothing is sent.
 */
@Injectable()
export class FederationOutbox {
  private readonly logger = new Logger(FederationOutbox.name);

  constructor(
    private readonly runtime: FederationRuntime,
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: ApiConfig,
    private readonly relay: OutboxRelay,
  ) {}

  /** A follow of a remote account: a `Follow` with the request's stable URI (stored on it). */
  async followed(followerId: string, targetId: string, db: Queryable): Promise<void> {
    await this.safely('Follow', async () => {
      const [row] = (await db.query(
        `SELECT r.id::text AS id, r.uri, me.username, t.uri AS target_uri, t.inbox_url,
                t.shared_inbox_url, t.username || '@' || t.domain AS handle
           FROM follow_requests r
           JOIN accounts me ON me.id = r.account_id AND me.domain IS NULL
           JOIN accounts t ON t.id = r.target_account_id AND t.domain IS NOT NULL
          WHERE r.account_id = $1 AND r.target_account_id = $2 AND t.uri IS NOT NULL`,
        [followerId, targetId],
      )) as (RemoteRow & {
        id: string;
        uri: string | null;
        username: string;
        target_uri: string;
      })[];
      if (!row) return;
      const ctx = this.context();
      const id = row.uri ? new URL(row.uri) : followUri(ctx, row.username, row.id);
      if (!row.uri) {
        await db.query(`UPDATE follow_requests SET uri = $2 WHERE id = $1 AND uri IS NULL`, [
          row.id,
          id.href,
        ]);
      }
      await this.relay.record(db, {
        username: row.username,
        recipients: [recipient({ ...row, uri: row.target_uri })],
        sharedInbox: false,
        build: (c) => followActivity(c, row.username, id, new URL(row.target_uri)),
      });
    });
  }

  /** Before an unfollow's transaction: the `Undo(Follow)` of the follow (or request) it removes. */
  async prepareUnfollow(
    followerId: string,
    targetId: string,
  ): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Follow)', async () => {
      const [row] = (await this.db.query(
        `SELECT g.uri AS follow_uri, me.username, t.uri, t.inbox_url, t.shared_inbox_url,
                t.username || '@' || t.domain AS handle
           FROM (SELECT uri FROM follows WHERE account_id = $1 AND target_account_id = $2
                 UNION ALL
                 SELECT uri FROM follow_requests WHERE account_id = $1 AND target_account_id = $2
                ) g
           JOIN accounts me ON me.id = $1 AND me.domain IS NULL
           JOIN accounts t ON t.id = $2 AND t.domain IS NOT NULL
          WHERE g.uri IS NOT NULL AND t.uri IS NOT NULL`,
        [followerId, targetId],
      )) as (RemoteRow & { follow_uri: string; username: string })[];
      if (!row) return undefined;
      return {
        username: row.username,
        recipients: [recipient(row)],
        sharedInbox: false,
        build: (c) =>
          undoFollowActivity(c, row.username, new URL(row.follow_uri), new URL(row.uri)),
      };
    });
  }

  /**
   * Before approving or rejecting a remote actor's follow request (its row is deleted by the
   * transaction): the `Accept`/`Reject` of their Follow, sent to their inbox.
   */
  async prepareFollowAnswer(
    targetId: string,
    requesterId: string,
    answer: 'accept' | 'reject',
  ): Promise<PreparedDelivery | undefined> {
    return this.safely(answer === 'accept' ? 'Accept(Follow)' : 'Reject(Follow)', async () => {
      const [row] = (await this.db.query(
        `SELECT r.id::text AS id, r.uri AS follow_uri, me.username, a.uri, a.inbox_url,
                a.shared_inbox_url, a.username || '@' || a.domain AS handle
           FROM follow_requests r
           JOIN accounts me ON me.id = r.target_account_id AND me.domain IS NULL
           JOIN accounts a ON a.id = r.account_id AND a.domain IS NOT NULL
          WHERE r.account_id = $1 AND r.target_account_id = $2
            AND r.uri IS NOT NULL AND a.uri IS NOT NULL`,
        [requesterId, targetId],
      )) as (RemoteRow & { id: string; follow_uri: string; username: string })[];
      if (!row) return undefined;
      return {
        username: row.username,
        recipients: [recipient(row)],
        sharedInbox: false,
        build: (c) => {
          const actor = c.getActorUri(row.username);
          const values = {
            // Stable per request, so a repeated approval yields the same activity.
            id: new URL(`#${answer}s/requests/${row.id}`, actor),
            actor,
            object: new Follow({
              id: new URL(row.follow_uri),
              actor: new URL(row.uri),
              object: actor,
            }),
          };
          return answer === 'accept' ? new Accept(values) : new Reject(values);
        },
      };
    });
  }

  /** A new status: `Create(Note)` to the author's remote followers and the remote mentioned. */
  async statusCreated(authorId: string, statusId: string, db: Queryable): Promise<void> {
    await this.safely('Create(Note)', async () => {
      const prepared = await this.prepareStatus(authorId, statusId, createActivity, db);
      if (prepared) await this.relay.record(db, prepared);
    });
  }

  /** An edited status: `Update(Note)` to the same audience. */
  async statusEdited(authorId: string, statusId: string, db: Queryable): Promise<void> {
    await this.safely('Update(Note)', async () => {
      const prepared = await this.prepareStatus(authorId, statusId, updateActivity, db);
      if (prepared) await this.relay.record(db, prepared);
    });
  }

  /** Before a deletion's transaction: `Delete(Tombstone)` to whom the Note went. */
  async prepareStatusDelete(
    authorId: string,
    statusId: string,
  ): Promise<PreparedDelivery | undefined> {
    return this.safely('Delete(Note)', () =>
      this.prepareStatus(authorId, statusId, (ctx, note) =>
        deleteActivity(ctx, note.row, note.mentions),
      ),
    );
  }

  /** A profile change (update_credentials): `Update(Person)` to the member's remote followers. */
  async profileUpdated(accountId: string, db: Queryable): Promise<void> {
    await this.safely('Update(Person)', async () => {
      const [me] = (await db.query(
        `SELECT username FROM accounts WHERE id = $1 AND domain IS NULL`,
        [accountId],
      )) as { username: string }[];
      const followers = await this.remoteFollowers(accountId, db);
      if (!me || followers.length === 0) return;
      const ctx = this.context();
      const account = await findLocalAccount(db, me.username);
      if (!account) return;
      const person = toPerson(ctx, account, await ctx.getActorKeyPairs(account.username));
      await this.relay.record(db, {
        username: account.username,
        recipients: followers.map(recipient),
        sharedInbox: true,
        build: (c) => updatePersonActivity(c, person),
      });
    });
  }

  /** A favourite of a remote status: `Like` to its author (stable id per favourite). */
  async favourited(accountId: string, statusId: string, db: Queryable): Promise<void> {
    await this.safely('Like', async () => {
      const prepared = await this.prepareLike(accountId, statusId, false, db);
      if (prepared) await this.relay.record(db, prepared);
    });
  }

  /** Before an unfavourite's transaction: the `Undo(Like)` of the favourite it removes. */
  async prepareUnfavourite(
    accountId: string,
    statusId: string,
  ): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Like)', () => this.prepareLike(accountId, statusId, true));
  }

  /** A reblog: `Announce` to the member's remote followers and the original's remote author. */
  async reblogged(accountId: string, statusId: string, db: Queryable): Promise<void> {
    await this.safely('Announce', async () => {
      const prepared = await this.prepareAnnounce(accountId, statusId, false, db);
      if (prepared) await this.relay.record(db, prepared);
    });
  }

  /** Before an unreblog's transaction: the `Undo(Announce)` of the reblog it removes. */
  async prepareUnreblog(
    accountId: string,
    statusId: string,
  ): Promise<PreparedDelivery | undefined> {
    return this.safely('Undo(Announce)', () => this.prepareAnnounce(accountId, statusId, true));
  }

  private async prepareLike(
    accountId: string,
    statusId: string,
    undo: boolean,
    db: Queryable = this.db,
  ): Promise<PreparedDelivery | undefined> {
    const [row] = (await db.query(
      `SELECT f.id::text AS favourite_id, me.username, o.uri AS status_uri, au.uri, au.inbox_url,
              au.shared_inbox_url, '' AS handle
         FROM statuses s
         JOIN statuses o ON o.id = coalesce(s.reblog_of_id, s.id)
         JOIN accounts au ON au.id = o.account_id AND au.domain IS NOT NULL
         JOIN favourites f ON f.status_id = o.id AND f.account_id = $1
         JOIN accounts me ON me.id = $1 AND me.domain IS NULL
        WHERE s.id = $2 AND NOT o.local AND o.uri IS NOT NULL AND au.uri IS NOT NULL`,
      [accountId, statusId],
    )) as (RemoteRow & { favourite_id: string; username: string; status_uri: string })[];
    if (!row) return undefined;
    return {
      username: row.username,
      recipients: [recipient(row)],
      sharedInbox: true,
      build: (c) => {
        const actor = c.getActorUri(row.username);
        const like = new Like({
          id: new URL(`#likes/${row.favourite_id}`, actor),
          actor,
          object: new URL(row.status_uri),
        });
        return undo
          ? new Undo({ id: new URL(`${like.id!.href}/undo`), actor, object: like })
          : like;
      },
    };
  }

  private async prepareAnnounce(
    accountId: string,
    statusId: string,
    undo: boolean,
    db: Queryable = this.db,
  ): Promise<PreparedDelivery | undefined> {
    const [row] = (await db.query(
      `SELECT r.id::text AS reblog_id, r.visibility, me.username, o.id::text AS original_id,
              o.uri AS original_uri, oa.username AS original_username,
              oa.uri AS author_uri, oa.inbox_url AS author_inbox,
              oa.shared_inbox_url AS author_shared_inbox
         FROM statuses s
         JOIN statuses o ON o.id = coalesce(s.reblog_of_id, s.id)
         JOIN accounts oa ON oa.id = o.account_id
         JOIN statuses r ON r.reblog_of_id = o.id AND r.account_id = $1
         JOIN accounts me ON me.id = $1 AND me.domain IS NULL
        WHERE s.id = $2 AND o.visibility IN ('public', 'unlisted')
          AND (o.local OR o.uri IS NOT NULL)`,
      [accountId, statusId],
    )) as {
      reblog_id: string;
      visibility: StatusVisibility;
      username: string;
      original_id: string;
      original_uri: string | null;
      original_username: string;
      author_uri: string | null;
      author_inbox: string | null;
      author_shared_inbox: string | null;
    }[];
    if (!row) return undefined;
    const followers = await this.remoteFollowers(accountId, db);
    const author =
      row.original_uri && row.author_uri
        ? [
            recipient({
              uri: row.author_uri,
              inbox_url: row.author_inbox,
              shared_inbox_url: row.author_shared_inbox,
              handle: '',
            }),
          ]
        : [];
    const recipients = [...followers.map(recipient), ...author];
    if (recipients.length === 0) return undefined;
    return {
      username: row.username,
      recipients,
      sharedInbox: true,
      build: (c) => {
        const actor = c.getActorUri(row.username);
        const object = row.original_uri
          ? new URL(row.original_uri)
          : statusUri(c, row.original_username, row.original_id);
        const followersUri = c.getFollowersUri(row.username);
        const isPublic = row.visibility === 'public';
        const announce = new Announce({
          id: new URL(`${statusUri(c, row.username, row.reblog_id).href}/activity`),
          actor,
          object,
          tos: isPublic ? [PUBLIC_COLLECTION] : [followersUri],
          ccs: [
            ...(isPublic ? [followersUri] : [PUBLIC_COLLECTION]),
            ...(row.author_uri && row.original_uri ? [new URL(row.author_uri)] : []),
          ],
        });
        return undo
          ? new Undo({ id: new URL(`${announce.id!.href}#undo`), actor, object: announce })
          : announce;
      },
    };
  }

  /** Records what was prepared before the transaction, in it (nothing when there is nothing). */
  async deliver(prepared: PreparedDelivery | undefined, db: Queryable): Promise<void> {
    if (!prepared) return;
    await this.safely('a prepared activity', () => this.relay.record(db, prepared));
  }

  private async prepareStatus(
    authorId: string,
    statusId: string,
    build: (ctx: Context<void>, note: OutboundNote) => Activity,
    db: Queryable = this.db,
  ): Promise<PreparedDelivery | undefined> {
    const [row] = (await db.query(
      `${STATUS_SELECT}
        WHERE s.id = $1 AND s.account_id = $2 AND s.local AND s.reblog_of_id IS NULL`,
      [statusId, authorId],
    )) as OutboundStatusRow[];
    if (!row) return undefined;
    const mentioned = (await db.query(
      `SELECT a.uri, a.inbox_url, a.shared_inbox_url, a.username || '@' || a.domain AS handle
         FROM mentions m JOIN accounts a ON a.id = m.account_id
        WHERE m.status_id = $1 AND a.domain IS NOT NULL AND a.uri IS NOT NULL`,
      [statusId],
    )) as RemoteRow[];
    const followers = reachesFollowers(row.visibility)
      ? await this.remoteFollowers(authorId, db)
      : [];
    // A reply also goes to the remote author of the post it answers, mentioned or not (as
    // Mastodon), so the conversation is complete on their server.
    const repliedTo =
      row.visibility === 'direct'
        ? []
        : ((await db.query(
            `SELECT pa.uri, pa.inbox_url, pa.shared_inbox_url, '' AS handle
               FROM statuses s
               JOIN statuses p ON p.id = s.in_reply_to_id
               JOIN accounts pa ON pa.id = p.account_id
              WHERE s.id = $1 AND pa.domain IS NOT NULL AND pa.uri IS NOT NULL`,
            [statusId],
          )) as RemoteRow[]);
    const recipients = [...followers, ...mentioned, ...repliedTo].map(recipient);
    if (recipients.length === 0) return undefined;
    // The same Note (Mention and Hashtag tags, cc) as the object dispatcher and outbox serve.
    const note = await loadOutboundNote(db, this.context(), row);
    return {
      username: row.username,
      recipients,
      sharedInbox: true,
      build: (ctx) => build(ctx, note),
    };
  }

  /** One row per remote server (shared inbox, else inbox) among the account's followers. */
  private async remoteFollowers(accountId: string, db: Queryable = this.db): Promise<RemoteRow[]> {
    return (await db.query(
      `SELECT DISTINCT ON (coalesce(a.shared_inbox_url, a.inbox_url))
              a.uri, a.inbox_url, a.shared_inbox_url, '' AS handle
         FROM follows f JOIN accounts a ON a.id = f.account_id
        WHERE f.target_account_id = $1 AND a.domain IS NOT NULL AND a.uri IS NOT NULL
          AND coalesce(a.shared_inbox_url, a.inbox_url) IS NOT NULL`,
      [accountId],
    )) as RemoteRow[];
  }

  private context(): Context<void> {
    return this.runtime.federation.createContext(new URL(this.runtime.origin), undefined);
  }

  private async safely<T>(what: string, run: () => Promise<T>): Promise<T | undefined> {
    if (!this.config.FEDERATION_ENABLED) return undefined;
    try {
      return await run();
    } catch (error) {
      this.logger.warn(`federation: could not enqueue ${what}: ${String(error)}`);
      return undefined;
    }
  }
}

function reachesFollowers(visibility: StatusVisibility): boolean {
  return visibility !== 'direct';
}

function recipient(row: RemoteRow): Recipient {
  return {
    id: new URL(row.uri),
    inboxId: row.inbox_url ? new URL(row.inbox_url) : null,
    endpoints: row.shared_inbox_url ? { sharedInbox: new URL(row.shared_inbox_url) } : null,
  };
}

/** The federation (enqueue-only on the API) and the outbox, for every feature module. */
@Global()
@Module({
  imports: [FederationCoreModule],
  providers: [FederationOutbox, OutboxRelay],
  exports: [FederationOutbox, OutboxRelay],
})
export class FederationOutboxModule {}
