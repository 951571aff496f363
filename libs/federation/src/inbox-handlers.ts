import type { Federation, InboxContext, SenderKeyPair } from '@fedify/fedify';
import {
  Accept,
  Application,
  Follow,
  isActor,
  Service,
  Undo,
  type Actor,
} from '@fedify/fedify/vocab';
import { affectedCount, modifiedRows } from '@fediflow/database';
import type { DataSource, EntityManager } from 'typeorm';
import { findLocalAccount } from './local-actors';
import { sanitizeRemoteText, remoteUsername, textToHtml } from './remote-text';

/** Satisfied by `console` and by Nest's `Logger`. */
export interface InboxLogger {
  warn(message: string): void;
}

export interface InboxHandlerOptions {
  db: DataSource;
  /** Signs the fetches made while handling shared-inbox deliveries (the instance actor). */
  sharedKey: () => Promise<SenderKeyPair>;
  logger?: InboxLogger;
}

/**
 * The inboxes (`/users/{identifier}/inbox` and the shared `/inbox`). Fedify verifies the HTTP
 * signature (401 otherwise) and, with the queue, only enqueues on the web node; these handlers run
 * on the workers. Each is idempotent: a redelivered activity changes nothing twice.
 */
export function registerInboxListeners(
  federation: Federation<void>,
  options: InboxHandlerOptions,
): void {
  const { db } = options;
  federation
    .setInboxListeners('/users/{identifier}/inbox', '/inbox')
    .setSharedKeyDispatcher(() => options.sharedKey())
    .on(Follow, (ctx, follow) => onFollow(db, ctx, follow))
    .on(Undo, (ctx, undo) => onUndo(db, ctx, undo))
    .on(Accept, (ctx, accept) => onAccept(db, ctx, accept))
    .onError((_ctx, error) => {
      options.logger?.warn(`inbox activity failed (will be retried): ${String(error)}`);
    });
}

type Outcome = 'accepted' | 'pending' | 'ignored';

async function onFollow(db: DataSource, ctx: InboxContext<void>, follow: Follow): Promise<void> {
  if (!follow.id || !follow.actorId || !follow.objectId) return;
  const target = await localActor(db, ctx, follow.objectId);
  if (!target) return;
  const follower = await follow.getActor(ctx);
  if (!follower || follower.id?.href !== follow.actorId.href) return;
  const followerId = await upsertRemoteActor(db, follower);
  if (!followerId) return;
  const followUri = follow.id.href;

  const { outcome, followId } = await db.transaction(async (manager) => {
    const [existing] = modifiedRows<{ id: string }>(
      await manager.query(
        `UPDATE follows SET uri = $3 WHERE account_id = $1 AND target_account_id = $2
         RETURNING id::text AS id`,
        [followerId, target.id, followUri],
      ),
    );
    if (existing) return { outcome: 'accepted' as Outcome, followId: existing.id };
    if (target.locked) {
      const inserted = (await manager.query(
        `INSERT INTO follow_requests (account_id, target_account_id, uri) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, target_account_id) DO UPDATE SET uri = EXCLUDED.uri
         RETURNING (xmax = 0) AS created`,
        [followerId, target.id, followUri],
      )) as { created: boolean }[];
      if (inserted[0]?.created) await notify(manager, target.id, followerId, 'follow_request');
      return { outcome: 'pending' as Outcome, followId: undefined };
    }
    const inserted = (await manager.query(
      `INSERT INTO follows (account_id, target_account_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id::text AS id`,
      [followerId, target.id, followUri],
    )) as { id: string }[];
    const id = inserted[0]?.id;
    if (!id) return { outcome: 'ignored' as Outcome, followId: undefined };
    await moveCounters(manager, followerId, target.id, 1);
    await notify(manager, target.id, followerId, 'follow');
    return { outcome: 'accepted' as Outcome, followId: id };
  });
  if (outcome !== 'accepted' || !followId) return;

  const actorUri = ctx.getActorUri(target.username);
  await ctx.sendActivity(
    { identifier: target.username },
    follower,
    new Accept({
      // Stable per follow, so a redelivered Follow yields the same Accept.
      id: new URL(`#accepts/follows/${followId}`, actorUri),
      actor: actorUri,
      object: follow,
    }),
  );
}

async function onUndo(db: DataSource, ctx: InboxContext<void>, undo: Undo): Promise<void> {
  if (!undo.actorId || !undo.objectId) return;
  const remoteId = await remoteAccountId(db, undo.actorId);
  if (!remoteId) return;
  // An Undo of something we cannot fetch falls back to the follow's URI below.
  const object: unknown = await undo.getObject(ctx).catch(() => null);
  let targetId: string | undefined;
  if (object instanceof Follow) {
    if (object.actorId?.href !== undo.actorId.href || !object.objectId) return;
    targetId = (await localActor(db, ctx, object.objectId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT target_account_id::text AS id FROM follows WHERE uri = $1 AND account_id = $2
       UNION ALL
       SELECT target_account_id::text FROM follow_requests WHERE uri = $1 AND account_id = $2`,
      [undo.objectId.href, remoteId],
    )) as { id: string }[];
    targetId = rows[0]?.id;
  }
  if (!targetId) return;
  const target = targetId;
  await db.transaction(async (manager) => {
    const requests = affectedCount(
      await manager.query(
        `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
        [remoteId, target],
      ),
    );
    if (requests > 0) await withdraw(manager, target, remoteId, 'follow_request');
    const removed = affectedCount(
      await manager.query(`DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
        remoteId,
        target,
      ]),
    );
    if (removed > 0) {
      await moveCounters(manager, remoteId, target, -1);
      await withdraw(manager, target, remoteId, 'follow');
    }
  });
}

async function onAccept(db: DataSource, ctx: InboxContext<void>, accept: Accept): Promise<void> {
  if (!accept.actorId || !accept.objectId) return;
  const remoteId = await remoteAccountId(db, accept.actorId);
  if (!remoteId) return;
  let followerId: string | undefined;
  // The Follow is ours (our origin) inside their Accept: only its actor and object are read,
  // and only a request we really sent to this very actor is promoted.
  const object: unknown = await accept
    .getObject({ ...ctxLoaders(ctx), crossOrigin: 'trust' })
    .catch(() => null);
  if (object instanceof Follow && object.actorId) {
    if (object.objectId?.href !== accept.actorId.href) return;
    followerId = (await localActor(db, ctx, object.actorId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT account_id::text AS id FROM follow_requests WHERE uri = $1 AND target_account_id = $2`,
      [accept.objectId.href, remoteId],
    )) as { id: string }[];
    followerId = rows[0]?.id;
  }
  if (!followerId) return;
  const follower = followerId;
  await db.transaction(async (manager) => {
    const [request] = modifiedRows<{ uri: string | null }>(
      await manager.query(
        `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2
         RETURNING uri`,
        [follower, remoteId],
      ),
    );
    if (!request) return; // not pending (already accepted, or never asked)
    const inserted = (await manager.query(
      `INSERT INTO follows (account_id, target_account_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [follower, remoteId, request.uri],
    )) as unknown[];
    if (inserted.length > 0) await moveCounters(manager, follower, remoteId, 1);
  });
}

function ctxLoaders(ctx: InboxContext<void>) {
  return { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
}

/** The local member an URI of ours names (`/users/<username>`, exact), if any. */
async function localActor(db: DataSource, ctx: InboxContext<void>, uri: URL) {
  const parsed = ctx.parseUri(uri);
  if (parsed?.type !== 'actor') return undefined;
  const account = await findLocalAccount(db, parsed.identifier);
  return account && account.username === parsed.identifier ? account : undefined;
}

async function remoteAccountId(db: DataSource, uri: URL): Promise<string | undefined> {
  const rows = (await db.query(
    `SELECT id::text AS id FROM accounts WHERE uri = $1 AND domain IS NOT NULL`,
    [uri.href],
  )) as { id: string }[];
  return rows[0]?.id;
}

function linkHref(value: unknown): string | null {
  if (value instanceof URL) return value.href;
  const href = (value as { href?: unknown } | null)?.href;
  return href instanceof URL ? href.href : null;
}

/**
 * Creates or refreshes the local copy of a remote actor; returns its account id. Names and bios
 * are reduced to plain text and stored escaped, so no remote markup reaches a client.
 */
export async function upsertRemoteActor(db: DataSource, actor: Actor): Promise<string | undefined> {
  if (!isActor(actor) || !actor.id) return undefined;
  const id = actor.id;
  const domain = id.host.toLowerCase();
  const username = remoteUsername(
    actor.preferredUsername?.toString() ?? id.pathname.split('/').pop() ?? '',
  );
  const displayName = sanitizeRemoteText(actor.name?.toString() ?? '').slice(0, 100);
  const note = textToHtml(sanitizeRemoteText(actor.summary?.toString() ?? '').slice(0, 5_000));
  const rows = (await db.query(
    `INSERT INTO accounts (username, domain, display_name, note, locked, bot, uri, url,
                           inbox_url, shared_inbox_url)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (uri) WHERE uri IS NOT NULL DO UPDATE
       SET username = EXCLUDED.username, display_name = EXCLUDED.display_name,
           note = EXCLUDED.note, locked = EXCLUDED.locked, bot = EXCLUDED.bot, url = EXCLUDED.url,
           inbox_url = EXCLUDED.inbox_url, shared_inbox_url = EXCLUDED.shared_inbox_url,
           updated_at = now()
     RETURNING id::text AS id`,
    [
      username,
      domain,
      displayName,
      note,
      actor.manuallyApprovesFollowers ?? false,
      actor instanceof Application || actor instanceof Service,
      id.href,
      linkHref(actor.url),
      actor.inboxId?.href ?? null,
      actor.endpoints?.sharedInbox?.href ?? null,
    ],
  )) as { id: string }[];
  return rows[0]?.id;
}

async function moveCounters(
  manager: EntityManager,
  followerId: string,
  targetId: string,
  by: 1 | -1,
): Promise<void> {
  await manager.query(
    `UPDATE accounts SET following_count = greatest(following_count + $2, 0) WHERE id = $1`,
    [followerId, by],
  );
  await manager.query(
    `UPDATE accounts SET followers_count = greatest(followers_count + $2, 0) WHERE id = $1`,
    [targetId, by],
  );
}

type NotificationType = 'follow' | 'follow_request';

/** As the API's Notifier: local recipients only, one notification per event. */
async function notify(
  manager: EntityManager,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
): Promise<void> {
  await manager.query(
    `INSERT INTO notifications (account_id, from_account_id, type)
     SELECT $1, $2, $3 FROM accounts WHERE id = $1 AND domain IS NULL
     ON CONFLICT DO NOTHING`,
    [accountId, fromAccountId, type],
  );
}

async function withdraw(
  manager: EntityManager,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
): Promise<void> {
  await manager.query(
    `DELETE FROM notifications
      WHERE account_id = $1 AND from_account_id = $2 AND type = $3 AND status_id IS NULL`,
    [accountId, fromAccountId, type],
  );
}
