import type { ApiConfig } from '@fediflow/config';
import type { ImageLimits } from '@fediflow/media';

export function imageLimits(config: ApiConfig): ImageLimits {
  return { maxBytes: config.MEDIA_MAX_BYTES, maxInputPixels: config.MEDIA_MAX_INPUT_PIXELS };
}

/** Mastodon's limit of attachments per status. */
export const MAX_MEDIA_PER_STATUS = 4;

/** An upload still `processing` this long after it was made was lost (its api pod stopped). */
export const PROCESSING_ABANDONED_MS = 5 * 60_000;

/** Video and audio (stored as is) may be larger than images, as in Mastodon. */
export function audioVideoMaxBytes(config: ApiConfig): number {
  return config.MEDIA_MAX_VIDEO_BYTES;
}
