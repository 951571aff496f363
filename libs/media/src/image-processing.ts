import { encode } from 'blurhash';
import type sharpFactory from 'sharp';
import type { Sharp } from 'sharp';
import { MediaError, MediaErrorCode } from './media-errors';
import { IMAGE_TYPES, sniffImageType, type ImageType } from './media-types';

export interface ImageLimits {
  maxBytes: number;
  /** Decoded pixels (width × height × frames) beyond which sharp refuses to decode. */
  maxInputPixels: number;
}

export interface ImageFile {
  data: Buffer;
  contentType: ImageType;
  extension: string;
  width: number;
  height: number;
}

export interface ProcessedImage {
  original: ImageFile;
  small: ImageFile;
  blurhash: string;
}

/** Mastodon's sizes: originals up to 3840×2160 worth of pixels, previews within 640×640. */
export const ORIGINAL_MAX_PIXELS = 3840 * 2160;
export const SMALL_BOUNDS = 640;
/** Mastodon's avatar and header sizes (cropped to fill). */
export const PROFILE_IMAGE_SIZES = {
  avatar: { width: 400, height: 400 },
  header: { width: 1500, height: 500 },
} as const;
export type ProfileImageKind = keyof typeof PROFILE_IMAGE_SIZES;

type SharpFactory = typeof sharpFactory;
let sharpLoaded: Promise<SharpFactory> | undefined;

/**
 * sharp, loaded at the first image processed: its native libvips and sharp's JavaScript cost the
 * api ≈ 10 MiB of RSS from start (docs/benchmarks.md, Memory), and most api pods serve reads only.
 */
function loadSharp(): Promise<SharpFactory> {
  // The CommonJS and ES module typings of sharp differ; both default exports are the factory.
  return (sharpLoaded ??= import('sharp').then((module) => module.default as SharpFactory));
}

/** An image of `size` bytes is within the limit (checked before its bytes are read). */
export function checkImageSize(size: number, limits: ImageLimits): void {
  if (size > limits.maxBytes) {
    throw new MediaError(
      MediaErrorCode.TooLarge,
      `File is too large (${size} bytes; the limit is ${limits.maxBytes} bytes)`,
    );
  }
}

/**
 * Decodes an upload with its limits enforced: the size before anything is read, the type from
 * its bytes, the pixel count before decoding (sharp's `limitInputPixels`, so a small file that
 * expands to gigapixels is refused instead of exhausting memory).
 */
async function decode(
  data: Buffer,
  limits: ImageLimits,
): Promise<{ type: ImageType; image: Sharp }> {
  checkImageSize(data.length, limits);
  const type = await sniffImageType(data);
  const sharp = await loadSharp();
  const image = sharp(data, {
    animated: type === 'image/gif',
    limitInputPixels: limits.maxInputPixels,
    failOn: 'error',
  });
  try {
    const meta = await image.metadata();
    const pixels = (meta.width ?? 0) * (meta.pageHeight ?? meta.height ?? 0) * (meta.pages ?? 1);
    if (pixels > limits.maxInputPixels) throw new Error('Input image exceeds pixel limit');
  } catch (error) {
    throw decodeError(error, limits);
  }
  return { type, image };
}

function decodeError(error: unknown, limits: ImageLimits): MediaError {
  if (error instanceof MediaError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new MediaError(
      MediaErrorCode.TooManyPixels,
      `Image has too many pixels (the limit is ${limits.maxInputPixels})`,
    );
  }
  return new MediaError(MediaErrorCode.Unreadable, 'File could not be read as an image');
}

/** Encodes in the upload's own format; metadata (EXIF with GPS, XMP, ICC) is never copied. */
async function encodeAs(image: Sharp, type: ImageType, limits: ImageLimits): Promise<ImageFile> {
  const formatted =
    type === 'image/jpeg'
      ? image.jpeg({ quality: 90, mozjpeg: true })
      : type === 'image/png'
        ? image.png()
        : type === 'image/webp'
          ? image.webp({ quality: 90 })
          : image.gif();
  try {
    const { data, info } = await formatted.toBuffer({ resolveWithObject: true });
    return {
      data,
      contentType: type,
      extension: IMAGE_TYPES[type],
      width: info.width,
      height: info.pageHeight ?? info.height,
    };
  } catch (error) {
    throw decodeError(error, limits);
  }
}

async function blurhashOf(small: Buffer, limits: ImageLimits): Promise<string> {
  const sharp = await loadSharp();
  try {
    const { data, info } = await sharp(small)
      .resize(32, 32, { fit: 'inside' })
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return encode(new Uint8ClampedArray(data), info.width, info.height, 4, 4);
  } catch (error) {
    throw decodeError(error, limits);
  }
}

/**
 * A media attachment's files: the original turned upright by its EXIF orientation and scaled
 * down to `ORIGINAL_MAX_PIXELS`, a preview within `SMALL_BOUNDS` (a still PNG for GIFs), and the
 * blurhash of the preview. GIFs stay images (animated), not Mastodon's `gifv` videos.
 */
export async function processAttachmentImage(
  data: Buffer,
  limits: ImageLimits,
): Promise<ProcessedImage> {
  const { type, image } = await decode(data, limits);
  const meta = await image.metadata();
  const width = meta.autoOrient?.width ?? meta.width ?? 1;
  const height = meta.autoOrient?.height ?? meta.pageHeight ?? meta.height ?? 1;
  const scale = Math.min(1, Math.sqrt(ORIGINAL_MAX_PIXELS / (width * height)));
  const upright = image.clone().autoOrient();
  const original = await encodeAs(
    scale < 1
      ? upright.resize(
          Math.max(1, Math.floor(width * scale)),
          Math.max(1, Math.floor(height * scale)),
        )
      : upright,
    type,
    limits,
  );
  const smallType: ImageType = type === 'image/gif' ? 'image/png' : type;
  const smallSource =
    type === 'image/gif'
      ? (await loadSharp())(data, { limitInputPixels: limits.maxInputPixels })
      : image.clone();
  const small = await encodeAs(
    smallSource
      .autoOrient()
      .resize(SMALL_BOUNDS, SMALL_BOUNDS, { fit: 'inside', withoutEnlargement: true }),
    smallType,
    limits,
  );
  return { original, small, blurhash: await blurhashOf(small.data, limits) };
}

/** An avatar or header as Mastodon makes them: upright, cropped to fill its size, no metadata. */
export async function processProfileImage(
  data: Buffer,
  kind: ProfileImageKind,
  limits: ImageLimits,
): Promise<ImageFile> {
  const { type, image } = await decode(data, limits);
  const { width, height } = PROFILE_IMAGE_SIZES[kind];
  return encodeAs(
    image.autoOrient().resize(width, height, { fit: 'cover', withoutEnlargement: false }),
    type,
    limits,
  );
}

/**
 * The cheap checks of an upload (size, type, header pixel count) without processing it, so an
 * asynchronous upload is refused at once rather than failing later.
 */
export async function checkImage(data: Buffer, limits: ImageLimits): Promise<ImageType> {
  return (await decode(data, limits)).type;
}
