import { fileTypeFromBuffer } from 'file-type';
import { MediaError, MediaErrorCode } from './media-errors';

/** The image types accepted, by the MIME type sniffed from the content, with their extension. */
export const IMAGE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
} as const;
export type ImageType = keyof typeof IMAGE_TYPES;

function isImageType(mime: string): mime is ImageType {
  return Object.hasOwn(IMAGE_TYPES, mime);
}

/**
 * The type of an upload from its bytes (never from the client's filename or Content-Type, which
 * anyone can set). Video and audio are recognised but not processed yet.
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
