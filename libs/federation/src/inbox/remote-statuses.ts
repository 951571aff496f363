import type { InboxContext } from '@fedify/fedify';
import {
  Hashtag,
  isActor,
  Mention,
  PUBLIC_COLLECTION,
  type Object as APObject,
} from '@fedify/fedify/vocab';
import type { DataSource } from 'typeorm';
import { isRemotePost, postText, type RemotePost } from './converted-posts';
import { customEmojisOf, storeCustomEmojis } from './custom-emojis';
import { addHashtag, attachStatusTags } from './hashtags';
import { fetchOptions, isBlocked, type InboxDeps } from './inbox-deps';
import { linkHref, localActor, localStatus, remoteAccountId, type Visibility } from './lookups';
import { upsertRemoteActor } from './remote-actors';
import { remoteAttachments, replaceRemoteMedia } from './remote-media';

export { isRemotePost, type RemotePost } from './converted-posts';

export type StatusRef = NonNullable<Awaited<ReturnType<typeof localStatus>>>;

/** How many statuses one activity may fetch (a reply's ancestors, a boosted post and its own). */
export const MAX_FETCHED_STATUSES = 3;

/** The remaining fetches of one activity, shared along a thread so the whole walk is bounded. */
export interface FetchBudget {
  remaining: number;
}

/** Visibility from addressing, as Mastodon reads it. */
export function visibilityOf(
  to: readonly URL[],
  cc: readonly URL[],
  followersUri: string | undefined,
): Visibility {
  const audience = [...to, ...cc].map((u) => u.href);
  if (to.some((u) => u.href === PUBLIC_COLLECTION.href)) return 'public';
  if (audience.includes(PUBLIC_COLLECTION.href)) return 'unlisted';
  if (followersUri && audience.includes(followersUri)) return 'private';
  return 'direct';
}

/** A status we have under this URI: a local one (our URI) or a stored remote one. */
export async function knownStatus(
  db: DataSource,
  ctx: InboxContext<void>,
  uri: URL,
): Promise<StatusRef | undefined> {
  if (ctx.parseUri(uri)) return localStatus(db, ctx, uri);
  const rows = (await db.query(
    `SELECT id::text AS id, account_id::text AS account_id, visibility FROM statuses
      WHERE uri = $1 AND reblog_of_id IS NULL`,
    [uri.href],
  )) as StatusRef[];
  return rows[0];
}

/**
 * The status at `uri`: one we have, or else fetched (signed, bounded in time, never from a blocked
 * domain), verified and stored, with its own ancestors while the budget lasts. Fails soft: any
 * fetch or verification failure gives `undefined`.
 */
export async function resolveStatus(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  uri: URL,
  budget: FetchBudget,
): Promise<StatusRef | undefined> {
  const known = await knownStatus(deps.db, ctx, uri);
  if (known || ctx.parseUri(uri)) return known;
  if (budget.remaining <= 0 || (await isBlocked(deps, uri))) return undefined;
  budget.remaining -= 1;
  const loaders = fetchOptions(deps, ctx);
  const fetched = await ctx.lookupObject(uri, loaders).catch(() => null);
  // Fedify drops documents whose id has another origin than the URL; the id must be this very URI.
  if (!isRemotePost(fetched) || fetched.id?.href !== uri.href) {
    return undefined;
  }
  const authorUri = fetched.attributionId;
  if (!authorUri || authorUri.origin !== uri.origin) return undefined;
  const author = await fetched.getAttribution(loaders).catch(() => null);
  if (!author || !isActor(author) || author.id?.href !== authorUri.href) return undefined;
  const authorId = await upsertRemoteActor(deps.db, author);
  if (!authorId) return undefined;
  const visibility = visibilityOf(fetched.toIds, fetched.ccIds, author.followersId?.href);
  // Only what anyone may see is kept from a fetch (our signed fetch may be shown more).
  if (visibility !== 'public' && visibility !== 'unlisted') return undefined;
  const parent = fetched.replyTargetId
    ? await resolveStatus(deps, ctx, fetched.replyTargetId, budget)
    : undefined;
  const id = await storeRemotePost(deps, ctx, {
    post: fetched,
    authorId,
    visibility,
    parent,
    notifyMentions: false,
    mentions: await collectMentions(deps, ctx, fetched).catch(() => ({
      local: new Map<string, string>(),
      remote: new Set<string>(),
      hashtags: new Set<string>(),
    })),
  });
  return id ? { id, account_id: authorId, visibility } : knownStatus(deps.db, ctx, uri);
}

export interface StoreRemotePost {
  post: RemotePost;
  authorId: string;
  visibility: Visibility;
  parent: StatusRef | undefined;
  /** Delivered posts notify mentioned members; fetched context (older posts) does not. */
  notifyMentions: boolean;
  mentions: Mentions;
  /** The post as its server wrote it (`postSource`), for what Fedify's vocabulary lacks. */
  source?: unknown;
}

/**
 * Stores a remote post (sanitised) once per URI; returns its id, or undefined when it was already
 * stored. Replies whose parent is unknown keep its URI and are threaded once it arrives.
 */
export async function storeRemotePost(
  { social }: InboxDeps,
  ctx: InboxContext<void>,
  options: StoreRemotePost,
): Promise<string | undefined> {
  const { post, authorId, parent } = options;
  const uri = post.id?.href;
  if (!uri) return undefined;
  const { local: localMentions, remote: remoteMentions } = options.mentions;
  const url = linkHref(post.url) ?? uri;
  const text = postText(post, url);
  const content = text.content.slice(0, 100_000);
  const spoiler = text.spoiler.slice(0, 1_000);
  const published = post.published ? new Date(post.published.epochMilliseconds) : new Date();
  const attachments = await remoteAttachments(post, options.source);
  const emojis = await customEmojisOf(post);
  return social.transaction(async (manager) => {
    const inserted = (await manager.query(
      `INSERT INTO statuses (account_id, local, uri, url, text, content, spoiler_text, sensitive,
                             visibility, in_reply_to_id, in_reply_to_account_id, in_reply_to_uri,
                             created_at)
       VALUES ($1, false, $2, $3, '', $4, $5, $6, $7, $8, $9, $10, least($11::timestamptz, now()))
       ON CONFLICT (uri) WHERE uri IS NOT NULL DO NOTHING RETURNING id::text AS id`,
      [
        authorId,
        uri,
        url,
        content,
        spoiler,
        (post.sensitive ?? false) || spoiler !== '',
        options.visibility,
        parent?.id ?? null,
        parent?.account_id ?? null,
        post.replyTargetId?.href ?? null,
        published.toISOString(),
      ],
    )) as { id: string }[];
    const statusId = inserted[0]?.id;
    if (!statusId) return undefined; // already stored (a redelivery, or a concurrent one)
    await social.statuses.created(manager, {
      statusId,
      accountId: authorId,
      inReplyToId: parent?.id ?? null,
      reblogOfId: null,
    });
    // Replies that arrived before this post are threaded to it now.
    const [orphans] = (await manager.query(
      `WITH threaded AS (
         UPDATE statuses SET in_reply_to_id = $1, in_reply_to_account_id = $2
          WHERE in_reply_to_uri = $3 AND in_reply_to_id IS NULL AND id <> $1
          RETURNING 1)
       SELECT count(*)::int AS n FROM threaded`,
      [statusId, authorId, uri],
    )) as { n: number }[];
    if (orphans && orphans.n > 0) await social.statuses.addReplies(manager, statusId, orphans.n);
    const mentioned = [...localMentions.keys(), ...remoteMentions];
    if (mentioned.length > 0) {
      await manager.query(
        `INSERT INTO mentions (status_id, account_id) SELECT $1, unnest($2::bigint[])
         ON CONFLICT DO NOTHING`,
        [statusId, mentioned],
      );
    }
    await attachStatusTags(manager, statusId, [...options.mentions.hashtags]);
    await replaceRemoteMedia(manager, statusId, authorId, attachments);
    // The post's custom emoji belong to its server (the post's origin is its author's).
    await storeCustomEmojis(manager, new URL(uri).host, emojis);
    if (options.notifyMentions) {
      for (const accountId of localMentions.keys()) {
        await social.notifications.notify(manager, {
          accountId,
          fromAccountId: authorId,
          type: 'mention',
          statusId,
        });
      }
    }
    return statusId;
  });
}

export interface Mentions {
  /** Members of this instance (id → username). */
  local: Map<string, string>;
  /** Remote accounts we already know (ids). */
  remote: Set<string>;
  /** Names of its `Hashtag` tags, normalised as `tags.name` stores them. */
  hashtags: Set<string>;
}

/**
 * The accounts a post's Mention tags name that we have (no account is fetched for a mention),
 * and its hashtags.
 */
export async function collectMentions(
  deps: InboxDeps,
  ctx: InboxContext<void>,
  post: APObject,
): Promise<Mentions> {
  const mentions: Mentions = { local: new Map(), remote: new Set(), hashtags: new Set() };
  const tags = post.getTags(fetchOptions(deps, ctx));
  for await (const tag of tags) {
    if (tag instanceof Hashtag) addHashtag(mentions.hashtags, tag);
    if (!(tag instanceof Mention) || !tag.href) continue;
    const local = await localActor(deps.db, ctx, tag.href);
    if (local) mentions.local.set(local.id, local.username);
    else {
      const remote = await remoteAccountId(deps.db, tag.href);
      if (remote) mentions.remote.add(remote);
    }
  }
  return mentions;
}
