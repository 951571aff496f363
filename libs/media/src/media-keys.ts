import { randomBytes } from 'node:crypto';
import { isMediaKey } from './media-storage';

export type MediaCollection = 'media_attachments' | 'avatars' | 'headers';

/** A fresh key pair for one upload (the same random segment for its original and small). */
export function mediaKeys(
  collection: MediaCollection,
  ownerId: string,
  extensions: { original: string; small?: string },
) {
  const base = `${collection}/${ownerId}/${randomBytes(8).toString('hex')}`;
  const original = `${base}/original.${extensions.original}`;
  const small = extensions.small ? `${base}/small.${extensions.small}` : undefined;
  if (!isMediaKey(original) || (small && !isMediaKey(small))) {
    throw new Error(`not a media key: ${original}`);
  }
  return { original, small };
}
