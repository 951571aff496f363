import type { InboxContext } from '@fedify/fedify';
import { Article, Mention, Note, PUBLIC_COLLECTION, type Create } from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { sanitizeRemoteHtml } from '../remote-html';
import { sanitizeRemoteText } from '../remote-text';
import {
  ctxLoaders,
  followedHere,
  linkHref,
  localActor,
  remoteAccountId,
  type Visibility,
} from './lookups';
import { notify } from './notifications';
import { upsertRemoteActor } from './remote-actors';

/**
 * A remote post (Create of a Note or Article by its own author) is stored when a local member
 * follows the author or is addressed/mentioned by it; redeliveries change nothing (unique uri).
 */
export async function onCreate(
  db: DataSource,
  ctx: InboxContext<void>,
  create: Create,
): Promise<void> {
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
  const followed = authorId !== undefined && (await followedHere(db, authorId));
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
