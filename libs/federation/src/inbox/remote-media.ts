import { Audio, Document, Image, Link, Video } from '@fedify/fedify/vocab';
import type { EntityManager } from 'typeorm';
import { sanitizeRemoteText } from '../remote-text';
import type { RemotePost } from './converted-posts';

/** Mastodon keeps at most this many attachments of a remote post. */
export const MAX_REMOTE_ATTACHMENTS = 16;

export interface RemoteAttachment {
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown';
  url: string;
  description: string;
  width: number | null;
  height: number | null;
}

/** Attachments are never fetched by their id: only what the post carries is read. */
const refuseFetch = () => Promise.reject(new Error('attachments are not fetched'));

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

/**
 * The media of a remote post (Document, Image, Video, Audio; `url` a string or a Link; `name` as
 * the alt text) as references: nothing is downloaded, clients load them from their origin.
 */
export async function remoteAttachments(post: RemotePost): Promise<RemoteAttachment[]> {
  const found: RemoteAttachment[] = [];
  const items = post.getAttachments({
    documentLoader: refuseFetch,
    contextLoader: refuseFetch,
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
                                    description, width, height)
     SELECT $1, $2, m.position, m.type, 'remote', m.url, m.description, m.width, m.height
       FROM json_to_recordset($3::json)
            AS m(type text, url text, description text, width int, height int, position int)`,
    [
      accountId,
      statusId,
      JSON.stringify(attachments.map((attachment, position) => ({ ...attachment, position }))),
    ],
  );
}
