import { fileTypeFromBuffer, fileTypeFromFile, type FileTypeResult } from 'file-type';
import { MediaError, MediaErrorCode } from './media-errors';

/** The image types accepted, by the MIME type sniffed from the content, with their extension. */
export const IMAGE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;

/**
 * Video and audio accepted as they are (no ffmpeg here: nothing is transcoded, so their metadata
 * is NOT stripped): containers browsers play, by the MIME type file-type sniffs, with the
 * extension they are stored under. Mastodon's own lists (MediaAttachment VIDEO_MIME_TYPES,
 * AUDIO_MIME_TYPES) are wider because it transcodes everything to MP4/MP3.
 */
export const VIDEO_TYPES = {
  'video/mp4': 'mp4',
  'video/webm': 'webm',
  'video/quicktime': 'mov',
} as const;
export const AUDIO_TYPES = {
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/x-m4a': 'm4a',
  'audio/wav': 'wav',
  'audio/flac': 'flac',
} as const;
export type VideoType = keyof typeof VIDEO_TYPES;
export type AudioType = keyof typeof AUDIO_TYPES;

/** Every type an upload may have, by storage extension (what `/system` serves them as). */
export const MEDIA_TYPE_OF_EXTENSION: ReadonlyMap<string, string> = new Map(
  [IMAGE_TYPES, VIDEO_TYPES, AUDIO_TYPES].flatMap((types) =>
    Object.entries(types).map(([type, extension]) => [extension, type] as const),
  ),
);

/** What Mastodon's instance configuration lists as `supported_mime_types`. */
export const SUPPORTED_MIME_TYPES: readonly string[] = [
  ...Object.keys(IMAGE_TYPES),
  ...Object.keys(VIDEO_TYPES),
  ...Object.keys(AUDIO_TYPES),
];

export type SniffedMedia =
  | { kind: 'image'; mime: ImageType }
  | { kind: 'video'; mime: VideoType; extension: string }
  | { kind: 'audio'; mime: AudioType; extension: string };

/**
 * The kind and type of an upload from its bytes (never from the client's filename or
 * Content-Type, which anyone can set).
 */
export async function sniffMediaType(data: Buffer): Promise<SniffedMedia> {
  return classify(await fileTypeFromBuffer(data));
}

/** `sniffMediaType` of a file on disk (an upload buffered there), reading only what it needs. */
export async function sniffMediaFile(path: string): Promise<SniffedMedia> {
  return classify(await fileTypeFromFile(path));
}

function classify(sniffed: FileTypeResult | undefined): SniffedMedia {
  const mime = sniffed?.mime ?? '';
  if (isImageType(mime)) return { kind: 'image', mime };
  if (Object.hasOwn(VIDEO_TYPES, mime)) {
    const type = mime as VideoType;
    return { kind: 'video', mime: type, extension: VIDEO_TYPES[type] };
  }
  if (Object.hasOwn(AUDIO_TYPES, mime)) {
    const type = mime as AudioType;
    return { kind: 'audio', mime: type, extension: AUDIO_TYPES[type] };
  }
  throw unsupported(sniffed ? sniffed.mime : 'an unrecognised format');
}

function unsupported(what: string): MediaError {
  return new MediaError(
    MediaErrorCode.UnsupportedType,
    `File type ${what} is not supported: upload JPEG, PNG, WebP or GIF images, MP4, WebM or ` +
      'QuickTime video, or MP3, Ogg, Opus, M4A, WAV or FLAC audio',
  );
}

function isImageType(mime: string): mime is ImageType {
  return Object.hasOwn(IMAGE_TYPES, mime);
}

/**
 * The type of an image (avatars, headers, and uploads `sniffMediaType` found to be images).
 */
export async function sniffImageType(data: Buffer): Promise<ImageType> {
  const sniffed = await fileTypeFromBuffer(data);
  if (sniffed && isImageType(sniffed.mime)) return sniffed.mime;
  const what = sniffed ? sniffed.mime : 'an unrecognised format';
  throw new MediaError(
    MediaErrorCode.UnsupportedType,
    `File type ${what} is not supported: upload JPEG, PNG, WebP or GIF images`,
  );
}
