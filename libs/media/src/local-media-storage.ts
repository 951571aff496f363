import { createReadStream } from 'node:fs';
import { copyFile, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { dirname, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { MediaStorageUnavailableError } from './media-errors';
import { MEDIA_TYPE_OF_EXTENSION } from './media-types';
import { isMediaKey, MediaStorage, type ByteRange, type StoredFile } from './media-storage';

/**
 * Files on the local disk under one root, served by the api at `/system/<key>`. A key must match
 * `MEDIA_KEY_PATTERN` and resolve inside the root, so no request can reach another file.
 */
export class LocalMediaStorage extends MediaStorage {
  private readonly root: string;

  constructor(
    root: string,
    private readonly publicBaseUrl: string,
  ) {
    super();
    this.root = resolve(root);
  }

  private path(key: string): string | undefined {
    if (!isMediaKey(key)) return undefined;
    const path = resolve(this.root, key);
    return path.startsWith(this.root + sep) ? path : undefined;
  }

  async put(key: string, data: Buffer, _contentType: string): Promise<void> {
    await this.write(key, (partial) => writeFile(partial, data));
  }

  async putFile(key: string, source: string, _contentType: string): Promise<void> {
    // Copied, not renamed: the upload's temporary file may be on another filesystem.
    await this.write(key, (partial) => copyFile(source, partial));
  }

  /** Writes aside and renames: a reader never sees half a file. */
  private async write(
    key: string,
    writePartial: (partial: string) => Promise<void>,
  ): Promise<void> {
    const path = this.path(key);
    if (!path) throw new Error(`not a media key: ${key}`);
    try {
      await mkdir(dirname(path), { recursive: true });
      const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
      await writePartial(partial);
      await rename(partial, path);
    } catch (error) {
      throw new MediaStorageUnavailableError(error);
    }
  }

  async stat(key: string): Promise<StoredFile | undefined> {
    const path = this.path(key);
    if (!path) return undefined;
    try {
      const { size } = await stat(path);
      return { size, contentType: MEDIA_TYPE_OF_EXTENSION.get(key.split('.').pop()!)! };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new MediaStorageUnavailableError(error);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const path = this.path(key);
    if (!path) throw new Error(`not a media key: ${key}`);
    return createReadStream(path, range ?? {});
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      const path = this.path(key);
      if (path) await rm(dirname(path), { recursive: true, force: true });
    }
  }

  url(key: string): string {
    return `${this.publicBaseUrl}/${key}`;
  }
}
