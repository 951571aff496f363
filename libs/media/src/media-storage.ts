import type { Readable } from 'node:stream';

/** A stored file as the api serves it (the local driver; S3 is served by CloudFront). */
export interface StoredFile {
  contentType: string;
  /** Bytes in the whole file. */
  size: number;
}

/** Bytes `start` to `end` of a file, both included (HTTP's byte ranges). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Where media files live, behind one interface: `LocalMediaStorage` (the disk, the default) or
 * `S3MediaStorage`. Keys come from `mediaKeys` only, so they are always safe path segments.
 */
export abstract class MediaStorage {
  abstract put(key: string, data: Buffer, contentType: string): Promise<void>;
  /** `put` of a file on disk (a video or audio upload), streamed: never read into memory. */
  abstract putFile(key: string, path: string, contentType: string): Promise<void>;
  /** `undefined` when there is no such file. */
  abstract stat(key: string): Promise<StoredFile | undefined>;
  /** The file's bytes (or `range` of them) as a stream; the file exists (`stat` said so). */
  abstract read(key: string, range?: ByteRange): Promise<Readable>;
  /** Deleting a missing file is not an error (housekeeping may run twice). */
  abstract delete(keys: readonly string[]): Promise<void>;
  /** The public URL clients load the file from. */
  abstract url(key: string): string;
}

/**
 * Storage keys: `<collection>/<id>/<random>/<variant>.<ext>`. The random segment makes every
 * upload's URL new, so files can be cached as immutable forever and nobody can guess another
 * upload's URL from its id.
 */
export const MEDIA_KEY_PATTERN =
  /^(media_attachments|avatars|headers)\/[0-9]{1,20}\/[0-9a-f]{16}\/(original|small)\.(jpg|png|webp|gif|mp4|webm|mov|mp3|ogg|opus|m4a|wav|flac)$/;

export function isMediaKey(key: string): boolean {
  return MEDIA_KEY_PATTERN.test(key);
}

/** The path under which the api serves local files (and builds default public URLs). */
export const LOCAL_MEDIA_PATH = '/system';
