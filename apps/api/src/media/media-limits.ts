import type { ApiConfig } from '@fediflow/config';
import type { ImageLimits } from '@fediflow/media';

export function imageLimits(config: ApiConfig): ImageLimits {
  return { maxBytes: config.MEDIA_MAX_BYTES, maxInputPixels: config.MEDIA_MAX_INPUT_PIXELS };
}

/** Mastodon's limit of attachments per status. */
export const MAX_MEDIA_PER_STATUS = 4;

/** An upload still `processing` this long after it was made was lost (its api pod stopped). */
export const PROCESSING_ABANDONED_MS = 5 * 60_000;

/**
 * The largest file a multipart body may carry: video and audio (stored as is) may be larger
 * than images, as in Mastodon; the media service then applies the limit of the file's kind.
 */
export function largestUploadBytes(config: ApiConfig): number {
  return Math.max(config.MEDIA_MAX_BYTES, config.MEDIA_MAX_VIDEO_BYTES);
}
