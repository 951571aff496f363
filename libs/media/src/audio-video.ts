import { MediaError, MediaErrorCode } from './media-errors';
import type { SniffedMedia } from './media-types';

/** A video or audio upload, stored as it came: no ffmpeg here, so nothing is re-encoded. */
export interface AudioVideoFile {
  kind: 'video' | 'audio';
  contentType: string;
  extension: string;
}

/**
 * Accepts a sniffed video or audio file of `size` bytes within its size limit. Its bytes are kept
 * unchanged, so its metadata (unlike an image's) is NOT stripped, and no duration, dimensions or
 * preview are known (no pure-JS container parser is installed): the API shows minimal `meta`.
 */
export function acceptAudioVideo(
  size: number,
  sniffed: Extract<SniffedMedia, { kind: 'video' | 'audio' }>,
  maxBytes: number,
): AudioVideoFile {
  if (size > maxBytes) {
    throw new MediaError(
      MediaErrorCode.TooLarge,
      `File is too large (${size} bytes; the limit for ${sniffed.kind} is ${maxBytes} bytes)`,
    );
  }
  return { kind: sniffed.kind, contentType: sniffed.mime, extension: sniffed.extension };
}
