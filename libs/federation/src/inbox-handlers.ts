import type { Federation, InboxContext, SenderKeyPair } from '@fedify/fedify';
import {
  Accept,
  Announce,
  Application,
  Article,
  Create,
  Delete,
  Follow,
  isActor,
  Like,
  Mention,
  Note,
  PUBLIC_COLLECTION,
  Reject,
  Service,
  Undo,
  Update,
  type Actor,
} from '@fedify/fedify/vocab';
import { affectedCount, modifiedRows } from '@fediflow/database';
import type { DataSource, EntityManager } from 'typeorm';
import { findLocalAccount } from './local-actors';
import { sanitizeRemoteHtml } from './remote-html';
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
    .on(Reject, (ctx, reject) => onReject(db, ctx, reject))
    .on(Create, (ctx, create) => onCreate(db, ctx, create))
    .on(Update, (ctx, update) => onUpdate(db, ctx, update))
    .on(Like, (ctx, like) => onLike(db, ctx, like))
    .on(Announce, (ctx, announce) => onAnnounce(db, ctx, announce))
    .on(Delete, (ctx, del) => onDelete(db, ctx, del))
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
  if (
    object instanceof Announce ||
    (!(object instanceof Follow) && (await isReblog(db, undo.objectId)))
  ) {
    // Only the Undo's own actor's boost is removed (undoAnnounce matches the account).
    const id = object instanceof Announce ? object.id : undo.objectId;
    if (id) await undoAnnounce(db, remoteId, id);
    return;
  }
  if (
    object instanceof Like ||
    (!(object instanceof Follow) && (await isFavourite(db, undo.objectId)))
  ) {
    await undoLike(
      db,
      ctx,
      remoteId,
      undo.actorId,
      object instanceof Like ? object : undo.objectId,
    );
    return;
  }
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
  await endFollow(db, remoteId, targetId);
}

/**
 * Ends a follow, or a pending follow request, of `followerId` for `targetId`: the rows, the
 * counters and the notifications it caused (Undo(Follow) from the follower, Reject from the target).
 */
async function endFollow(db: DataSource, followerId: string, targetId: string): Promise<void> {
  await db.transaction(async (manager) => {
    const requests = affectedCount(
      await manager.query(
        `DELETE FROM follow_requests WHERE account_id = $1 AND target_account_id = $2`,
        [followerId, targetId],
      ),
    );
    if (requests > 0) await withdraw(manager, targetId, followerId, 'follow_request');
    const removed = affectedCount(
      await manager.query(`DELETE FROM follows WHERE account_id = $1 AND target_account_id = $2`, [
        followerId,
        targetId,
      ]),
    );
    if (removed > 0) {
      await moveCounters(manager, followerId, targetId, -1);
      await withdraw(manager, targetId, followerId, 'follow');
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

type Visibility = 'public' | 'unlisted' | 'private' | 'direct';

/**
 * A remote post (Create of a Note or Article by its own author) is stored when a local member
 * follows the author or is addressed/mentioned by it; redeliveries change nothing (unique uri).
 */
async function onCreate(db: DataSource, ctx: InboxContext<void>, create: Create): Promise<void> {
  if (!create.actorId || !create.objectId) return;
  const actorUri = create.actorId;
  // The post must come from the actor's own server, and be attributed to that actor.
  if (create.objectId.origin !== actorUri.origin) return;
  const object: unknown = await create.getObject(ctx).catch(() => null);
  if (!(object instanceof Note || object instanceof Article) || !object.id) return;
  if (object.id.origin !== actorUri.origin) return;
  if (object.attributionId && object.attributionId.href !== actorUri.href) return;
  const uri = object.id.href;
  const [known] = (await db.query(`SELECT 1 FROM statuses WHERE uri = $1`, [uri])) as unknown[];
  if (known) return;

  // Local members it mentions (by tag) and remote accounts we know it mentions.
  const localMentions = new Map<string, string>();
  const remoteMentions = new Set<string>();
  for await (const tag of object.getTags(ctxLoaders(ctx))) {
    if (!(tag instanceof Mention) || !tag.href) continue;
    const local = await localActor(db, ctx, tag.href);
    if (local) localMentions.set(local.id, local.username);
    else {
      const remote = await remoteAccountId(db, tag.href);
      if (remote) remoteMentions.add(remote);
    }
  }
  let authorId = await remoteAccountId(db, actorUri);
  const followed =
    authorId !== undefined &&
    (
      (await db.query(
        `SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id AND a.domain IS NULL
        WHERE f.target_account_id = $1 LIMIT 1`,
        [authorId],
      )) as unknown[]
    ).length > 0;
  if (!followed && localMentions.size === 0) return; // nobody here asked for it
  const author = await create.getActor(ctx).catch(() => null);
  if (!authorId || !author) {
    if (!author || author.id?.href !== actorUri.href) return;
    authorId = await upsertRemoteActor(db, author);
    if (!authorId) return;
  }
  const followersUri = author?.followersId?.href;

  const audience = [...object.toIds, ...object.ccIds, ...create.toIds, ...create.ccIds];
  const to = [...object.toIds, ...create.toIds].map((u) => u.href);
  const visibility: Visibility = to.includes(PUBLIC_COLLECTION.href)
    ? 'public'
    : audience.some((u) => u.href === PUBLIC_COLLECTION.href)
      ? 'unlisted'
      : followersUri && audience.some((u) => u.href === followersUri)
        ? 'private'
        : 'direct';

  // The parent, when we have it: a local status (our URI) or a stored remote one.
  let parent: { id: string; account_id: string } | undefined;
  if (object.replyTargetId) {
    const parsed = ctx.parseUri(object.replyTargetId);
    const rows = (await (parsed?.type === 'object' && /^\d{1,19}$/.test(parsed.values.id ?? '')
      ? db.query(
          `SELECT s.id::text AS id, s.account_id::text AS account_id FROM statuses s
             JOIN accounts a ON a.id = s.account_id AND a.domain IS NULL
            WHERE s.id = $1 AND lower(a.username) = lower($2)`,
          [parsed.values.id, parsed.values.identifier ?? ''],
        )
      : db.query(
          `SELECT id::text AS id, account_id::text AS account_id FROM statuses WHERE uri = $1`,
          [object.replyTargetId.href],
        ))) as { id: string; account_id: string }[];
    parent = rows[0];
  }

  const content = sanitizeRemoteHtml(object.content?.toString() ?? '').slice(0, 100_000);
  const spoiler = sanitizeRemoteText(object.summary?.toString() ?? '').slice(0, 1_000);
  const url = linkHref(object.url) ?? uri;
  const published = object.published ? new Date(object.published.epochMilliseconds) : new Date();
  const author_ = authorId;
  await db.transaction(async (manager) => {
    const inserted = (await manager.query(
      `INSERT INTO statuses (account_id, local, uri, url, text, content, spoiler_text, sensitive,
                             visibility, in_reply_to_id, in_reply_to_account_id, created_at)
       VALUES ($1, false, $2, $3, '', $4, $5, $6, $7, $8, $9, least($10::timestamptz, now()))
       ON CONFLICT (uri) WHERE uri IS NOT NULL DO NOTHING RETURNING id::text AS id`,
      [
        author_,
        uri,
        url,
        content,
        spoiler,
        (object.sensitive ?? false) || spoiler !== '',
        visibility,
        parent?.id ?? null,
        parent?.account_id ?? null,
        published.toISOString(),
      ],
    )) as { id: string }[];
    const statusId = inserted[0]?.id;
    if (!statusId) return; // a concurrent delivery stored it
    await manager.query(
      `UPDATE accounts SET statuses_count = statuses_count + 1,
              last_status_at = greatest(last_status_at, now()) WHERE id = $1`,
      [author_],
    );
    if (parent) {
      await manager.query(`UPDATE statuses SET replies_count = replies_count + 1 WHERE id = $1`, [
        parent.id,
      ]);
    }
    const mentioned = [...localMentions.keys(), ...remoteMentions];
    if (mentioned.length > 0) {
      await manager.query(
        `INSERT INTO mentions (status_id, account_id) SELECT $1, unnest($2::bigint[])
         ON CONFLICT DO NOTHING`,
        [statusId, mentioned],
      );
    }
    for (const accountId of localMentions.keys()) {
      await notify(manager, accountId, author_, 'mention', statusId);
    }
  });
}

/** A Delete of a post by its author removes our copy (a Delete of anything else is ignored). */
async function onDelete(db: DataSource, _ctx: InboxContext<void>, del: Delete): Promise<void> {
  if (!del.actorId || !del.objectId) return;
  const actorUri = del.actorId;
  const objectUri = del.objectId;
  if (objectUri.origin !== actorUri.origin) return;
  await db.transaction(async (manager) => {
    const [removed] = modifiedRows<{ account_id: string; in_reply_to_id: string | null }>(
      await manager.query(
        `DELETE FROM statuses s USING accounts a
          WHERE s.uri = $1 AND a.id = s.account_id AND a.uri = $2 AND NOT s.local
        RETURNING s.account_id::text AS account_id, s.in_reply_to_id::text AS in_reply_to_id`,
        [objectUri.href, actorUri.href],
      ),
    );
    if (!removed) return;
    await manager.query(
      `UPDATE accounts SET statuses_count = greatest(statuses_count - 1, 0) WHERE id = $1`,
      [removed.account_id],
    );
    if (removed.in_reply_to_id) {
      await manager.query(
        `UPDATE statuses SET replies_count = greatest(replies_count - 1, 0) WHERE id = $1`,
        [removed.in_reply_to_id],
      );
    }
  });
}

/** Our follow (or request) of the rejecting actor is dropped (a Reject of a follow we have). */
async function onReject(db: DataSource, ctx: InboxContext<void>, reject: Reject): Promise<void> {
  if (!reject.actorId || !reject.objectId) return;
  const remoteId = await remoteAccountId(db, reject.actorId);
  if (!remoteId) return;
  const object: unknown = await reject
    .getObject({ ...ctxLoaders(ctx), crossOrigin: 'trust' })
    .catch(() => null);
  let followerId: string | undefined;
  if (object instanceof Follow && object.actorId) {
    if (object.objectId?.href !== reject.actorId.href) return;
    followerId = (await localActor(db, ctx, object.actorId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT account_id::text AS id FROM follow_requests WHERE uri = $1 AND target_account_id = $2
       UNION ALL
       SELECT account_id::text FROM follows WHERE uri = $1 AND target_account_id = $2`,
      [reject.objectId.href, remoteId],
    )) as { id: string }[];
    followerId = rows[0]?.id;
  }
  if (!followerId) return;
  await endFollow(db, followerId, remoteId);
}

/** An edit of a stored remote post, by its author: the new content (sanitised) replaces it. */
async function onUpdate(db: DataSource, ctx: InboxContext<void>, update: Update): Promise<void> {
  if (!update.actorId || !update.objectId) return;
  if (update.objectId.origin !== update.actorId.origin) return;
  const object: unknown = await update.getObject(ctx).catch(() => null);
  if (!(object instanceof Note || object instanceof Article) || !object.id) return;
  if (object.attributionId && object.attributionId.href !== update.actorId.href) return;
  const spoiler = sanitizeRemoteText(object.summary?.toString() ?? '').slice(0, 1_000);
  await db.query(
    `UPDATE statuses s SET content = $3, spoiler_text = $4, sensitive = $5, edited_at = now()
       FROM accounts a
      WHERE s.uri = $1 AND NOT s.local AND a.id = s.account_id AND a.uri = $2`,
    [
      object.id.href,
      update.actorId.href,
      sanitizeRemoteHtml(object.content?.toString() ?? '').slice(0, 100_000),
      spoiler,
      (object.sensitive ?? false) || spoiler !== '',
    ],
  );
}

/** The local status an URI of ours names (`/users/{u}/statuses/{id}`), if any. */
async function localStatus(db: DataSource, ctx: InboxContext<void>, uri: URL) {
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

/** A remote favourite of a local status (one its author lets the liker see). */
async function onLike(db: DataSource, ctx: InboxContext<void>, like: Like): Promise<void> {
  if (!like.actorId || !like.objectId) return;
  const status = await localStatus(db, ctx, like.objectId);
  if (!status) return;
  let likerId = await remoteAccountId(db, like.actorId);
  if (!likerId) {
    const actor = await like.getActor(ctx).catch(() => null);
    if (!actor || actor.id?.href !== like.actorId.href) return;
    likerId = await upsertRemoteActor(db, actor);
    if (!likerId) return;
  }
  const liker = likerId;
  if (status.visibility === 'direct') return;
  if (status.visibility === 'private') {
    const follows = (await db.query(
      `SELECT 1 FROM follows WHERE account_id = $1 AND target_account_id = $2`,
      [liker, status.account_id],
    )) as unknown[];
    if (follows.length === 0) return;
  }
  await db.transaction(async (manager) => {
    const inserted = (await manager.query(
      `INSERT INTO favourites (account_id, status_id, uri) VALUES ($1, $2, $3)
       ON CONFLICT DO NOTHING RETURNING id`,
      [liker, status.id, like.id?.href ?? null],
    )) as unknown[];
    if (inserted.length === 0) return;
    await manager.query(
      `UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = $1`,
      [status.id],
    );
    await notify(manager, status.account_id, liker, 'favourite', status.id);
  });
}

/**
 * A boost of a status we have (a local one, or a stored remote one), public or unlisted: stored as
 * the announcer's reblog when a member here follows them, or when the status is local (its author
 * is notified). Boosts of statuses we do not have are ignored for now.
 */
async function onAnnounce(
  db: DataSource,
  ctx: InboxContext<void>,
  announce: Announce,
): Promise<void> {
  if (!announce.id || !announce.actorId || !announce.objectId) return;
  if (announce.id.origin !== announce.actorId.origin) return;
  const objectUri = announce.objectId;
  const local = await localStatus(db, ctx, objectUri);
  const original =
    local ??
    (
      (await db.query(
        `SELECT id::text AS id, account_id::text AS account_id, visibility FROM statuses
          WHERE uri = $1 AND reblog_of_id IS NULL`,
        [objectUri.href],
      )) as { id: string; account_id: string; visibility: Visibility }[]
    )[0];
  if (!original || (original.visibility !== 'public' && original.visibility !== 'unlisted')) return;
  let announcerId = await remoteAccountId(db, announce.actorId);
  const followed =
    announcerId !== undefined &&
    (
      (await db.query(
        `SELECT 1 FROM follows f JOIN accounts a ON a.id = f.account_id AND a.domain IS NULL
          WHERE f.target_account_id = $1 LIMIT 1`,
        [announcerId],
      )) as unknown[]
    ).length > 0;
  if (!followed && !local) return;
  if (!announcerId) {
    const actor = await announce.getActor(ctx).catch(() => null);
    if (!actor || actor.id?.href !== announce.actorId.href) return;
    announcerId = await upsertRemoteActor(db, actor);
    if (!announcerId) return;
  }
  const announcer = announcerId;
  const audience = [...announce.toIds, ...announce.ccIds].map((u) => u.href);
  const visibility = announce.toIds.some((u) => u.href === PUBLIC_COLLECTION.href)
    ? 'public'
    : audience.includes(PUBLIC_COLLECTION.href)
      ? 'unlisted'
      : 'private';
  await db.transaction(async (manager) => {
    const inserted = (await manager.query(
      `INSERT INTO statuses (account_id, local, uri, visibility, reblog_of_id)
       VALUES ($1, false, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id`,
      [announcer, announce.id!.href, visibility, original.id],
    )) as unknown[];
    if (inserted.length === 0) return;
    await manager.query(`UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = $1`, [
      original.id,
    ]);
    await manager.query(`UPDATE accounts SET statuses_count = statuses_count + 1 WHERE id = $1`, [
      announcer,
    ]);
    await notify(manager, original.account_id, announcer, 'reblog', original.id);
  });
}

async function isReblog(db: DataSource, uri: URL): Promise<boolean> {
  const rows = (await db.query(
    `SELECT 1 FROM statuses WHERE uri = $1 AND reblog_of_id IS NOT NULL`,
    [uri.href],
  )) as unknown[];
  return rows.length > 0;
}

async function undoAnnounce(db: DataSource, announcerId: string, uri: URL): Promise<void> {
  await db.transaction(async (manager) => {
    const [removed] = modifiedRows<{ original: string; author: string }>(
      await manager.query(
        `DELETE FROM statuses s USING statuses o
          WHERE s.uri = $1 AND s.account_id = $2 AND s.reblog_of_id = o.id
        RETURNING o.id::text AS original, o.account_id::text AS author`,
        [uri.href, announcerId],
      ),
    );
    if (!removed) return;
    await manager.query(
      `UPDATE statuses SET reblogs_count = greatest(reblogs_count - 1, 0) WHERE id = $1`,
      [removed.original],
    );
    await manager.query(
      `UPDATE accounts SET statuses_count = greatest(statuses_count - 1, 0) WHERE id = $1`,
      [announcerId],
    );
    await withdraw(manager, removed.author, announcerId, 'reblog', removed.original);
  });
}

async function isFavourite(db: DataSource, uri: URL): Promise<boolean> {
  const rows = (await db.query(`SELECT 1 FROM favourites WHERE uri = $1`, [uri.href])) as unknown[];
  return rows.length > 0;
}

async function undoLike(
  db: DataSource,
  ctx: InboxContext<void>,
  likerId: string,
  actorUri: URL,
  like: Like | URL,
): Promise<void> {
  let statusId: string | undefined;
  if (like instanceof Like) {
    if (like.actorId?.href !== actorUri.href || !like.objectId) return;
    statusId = (await localStatus(db, ctx, like.objectId))?.id;
  } else {
    const rows = (await db.query(
      `SELECT status_id::text AS id FROM favourites WHERE uri = $1 AND account_id = $2`,
      [like.href, likerId],
    )) as { id: string }[];
    statusId = rows[0]?.id;
  }
  if (!statusId) return;
  const status = statusId;
  await db.transaction(async (manager) => {
    const [removed] = modifiedRows<{ author: string }>(
      await manager.query(
        `DELETE FROM favourites f USING statuses s
          WHERE f.account_id = $1 AND f.status_id = $2 AND s.id = f.status_id
        RETURNING s.account_id::text AS author`,
        [likerId, status],
      ),
    );
    if (!removed) return;
    await manager.query(
      `UPDATE statuses SET favourites_count = greatest(favourites_count - 1, 0) WHERE id = $1`,
      [status],
    );
    await withdraw(manager, removed.author, likerId, 'favourite', status);
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

type NotificationType = 'follow' | 'follow_request' | 'mention' | 'favourite' | 'reblog';

/** As the API's Notifier: local recipients only, one notification per event. */
async function notify(
  manager: EntityManager,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
  statusId: string | null = null,
): Promise<void> {
  await manager.query(
    `INSERT INTO notifications (account_id, from_account_id, type, status_id)
     SELECT $1, $2, $3, $4 FROM accounts WHERE id = $1 AND domain IS NULL
     ON CONFLICT DO NOTHING`,
    [accountId, fromAccountId, type, statusId],
  );
}

async function withdraw(
  manager: EntityManager,
  accountId: string,
  fromAccountId: string,
  type: NotificationType,
  statusId: string | null = null,
): Promise<void> {
  await manager.query(
    `DELETE FROM notifications
      WHERE account_id = $1 AND from_account_id = $2 AND type = $3
        AND coalesce(status_id, 0) = coalesce($4::bigint, 0)`,
    [accountId, fromAccountId, type, statusId],
  );
}
