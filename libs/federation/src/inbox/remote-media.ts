import { Audio, Document, Image, Link, Video, type Activity } from '@fedify/fedify/vocab';
import type { EntityManager } from 'typeorm';
import { sanitizeRemoteText } from '../remote-text';
import type { RemotePost } from './converted-posts';
import { EMBEDDED_ONLY } from './lookups';

/** Mastodon keeps at most this many attachments of a remote post. */
export const MAX_REMOTE_ATTACHMENTS = 16;

export interface RemoteAttachment {
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
  url: string;
  description: string;
  width: number | null;
  height: number | null;
  /** Mastodon's `blurhash` and `focalPoint`, when the sender gave valid ones. */
  blurhash: string | null;
  focus_x: number;
  focus_y: number;
}

/** Attachments are never fetched by their id: only what the post carries is read. */

function mediaTypeOf(
  mediaType: string | null | undefined,
  item: unknown,
): RemoteAttachment['type'] {
  const major = mediaType?.split('/')[0]?.toLowerCase();
  if (major === 'image' || item instanceof Image) return 'image';
  if (major === 'video' || item instanceof Video) return 'video';
  if (major === 'audio' || item instanceof Audio) return 'audio';
  return 'unknown';
}

/** An http(s) URL from a `url` that is a string, a Link or a list of them (Mastodon takes the first). */
function mediaUrl(url: unknown): { href: string; mediaType: string | null } | undefined {
  const candidate =
    url instanceof URL
      ? { href: url, mediaType: null }
      : url instanceof Link && url.href
        ? { href: url.href, mediaType: url.mediaType }
        : undefined;
  if (!candidate || !/^https?:$/.test(candidate.href.protocol)) return undefined;
  return { href: candidate.href.href, mediaType: candidate.mediaType ?? null };
}

const BASE83 =
  '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~';

/**
 * Mastodon's MediaAttachmentParser#supported_blurhash?: base83 text whose size flag names at most
 * 5×5 components (its length is not checked, as Mastodon does not; clients decode it).
 */
function supportedBlurhash(value: unknown): string | null {
  if (typeof value !== 'string' || value.length < 6 || value.length > 100) return null;
  if ([...value].some((char) => !BASE83.includes(char))) return null;
  const sizeFlag = BASE83.indexOf(value[0]!);
  const x = (sizeFlag % 9) + 1;
  const y = Math.floor(sizeFlag / 9) + 1;
  return x <= 5 && y <= 5 ? value : null;
}

/** `focalPoint` [x, y] within Mastodon's -1…1; anything else is the centre. */
function focalPoint(value: unknown): [number, number] {
  if (!Array.isArray(value) || value.length !== 2) return [0, 0];
  const [x, y] = value as unknown[];
  const valid = (n: unknown): n is number => typeof n === 'number' && Math.abs(n) <= 1;
  return valid(x) && valid(y) ? [x, y] : [0, 0];
}

type Json = Record<string, unknown>;

/**
 * `blurhash`/`focalPoint` of the attachments in a post's JSON as its server wrote it, by url:
 * Fedify's vocabulary has neither, so they are read by the names Mastodon's parser reads.
 */
function mediaExtras(
  source: unknown,
): Map<string, Pick<RemoteAttachment, 'blurhash' | 'focus_x' | 'focus_y'>> {
  const extras = new Map<string, Pick<RemoteAttachment, 'blurhash' | 'focus_x' | 'focus_y'>>();
  const attachments = (source as Json | null | undefined)?.attachment;
  for (const item of [attachments ?? []].flat() as Json[]) {
    if (!item || typeof item !== 'object') continue;
    const url = [item.url].flat()[0];
    const href = typeof url === 'string' ? url : (url as Json | undefined)?.href;
    if (typeof href !== 'string') continue;
    const [focus_x, focus_y] = focalPoint(item.focalPoint);
    extras.set(href, { blurhash: supportedBlurhash(item.blurhash), focus_x, focus_y });
  }
  return extras;
}

/**
 * The post's JSON as its server sent it: embedded in the activity, or the fetched document
 * (a parsed top-level document's `toJsonLd()` is the original Fedify kept). To be called right
 * after `getObject()`: Fedify forgets the original once a getter fetches something (the actor).
 */
export async function postSource(activity: Activity, post: RemotePost): Promise<unknown> {
  const delivered = (await activity.toJsonLd().catch(() => undefined)) as Json | undefined;
  const embedded = delivered?.object as Json | undefined;
  if (embedded && typeof embedded === 'object' && embedded.id === post.id?.href) return embedded;
  return post.toJsonLd().catch(() => undefined);
}

/**
 * The media of a remote post (Document, Image, Video, Audio; `url` a string or a Link; `name` as
 * the alt text; `blurhash` and `focalPoint` from `source`, the post as its server wrote it) as
 * references: nothing is downloaded, clients load them from their origin.
 */
export async function remoteAttachments(
  post: RemotePost,
  source?: unknown,
): Promise<RemoteAttachment[]> {
  const extras = mediaExtras(source ?? (await post.toJsonLd().catch(() => undefined)));
  const found: RemoteAttachment[] = [];
  const items = post.getAttachments({
    // Nor any context: attachments are read as the post embeds them.
    documentLoader: EMBEDDED_ONLY.documentLoader,
    contextLoader: EMBEDDED_ONLY.documentLoader,
    suppressError: true,
  });
  for await (const item of items) {
    if (found.length >= MAX_REMOTE_ATTACHMENTS) break;
    // Image, Video and Audio are Documents in Fedify's vocabulary.
    if (!(item instanceof Document)) continue;
    const url = mediaUrl(item.url);
    if (!url) continue;
    found.push({
      type: mediaTypeOf(item.mediaType ?? url.mediaType, item),
      url: url.href,
      description: sanitizeRemoteText(item.name?.toString() ?? '').slice(0, 1_500),
      width: item.width ?? null,
      height: item.height ?? null,
      blurhash: null,
      focus_x: 0,
      focus_y: 0,
      ...extras.get(url.href),
    });
  }
  return found;
}

/** Makes `attachments` the remote media of a stored remote status (on create and on edits). */
export async function replaceRemoteMedia(
  manager: Pick<EntityManager, 'query'>,
  statusId: string,
  accountId: string,
  attachments: readonly RemoteAttachment[],
): Promise<void> {
  await manager.query(
    `DELETE FROM media_attachments WHERE status_id = $1 AND processing = 'remote'`,
    [statusId],
  );
  if (attachments.length === 0) return;
  await manager.query(
    `INSERT INTO media_attachments (account_id, status_id, position, type, processing, remote_url,
                                    description, width, height, blurhash, focus_x, focus_y)
     SELECT $1, $2, m.position, m.type, 'remote', m.url, m.description, m.width, m.height,
            m.blurhash, m.focus_x, m.focus_y
       FROM json_to_recordset($3::json)
            AS m(type text, url text, description text, width int, height int, position int,
                 blurhash text, focus_x real, focus_y real)`,
    [
      accountId,
      statusId,
      JSON.stringify(attachments.map((attachment, position) => ({ ...attachment, position }))),
    ],
  );
}
