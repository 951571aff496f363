import type { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { MediaStorageUnavailableError } from './media-errors';
import { MediaStorage, type ByteRange, type StoredFile } from './media-storage';

type S3Sdk = typeof import('@aws-sdk/client-s3');

/** Every key is a new upload: CDNs and browsers may keep a file forever. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Media in an S3 bucket, served to clients by CloudFront (`publicBaseUrl`). Credentials come
 * from the SDK's default chain: the pod's IRSA / Pod Identity role in production.
 */
export class S3MediaStorage extends MediaStorage {
  private connection: Promise<{ sdk: S3Sdk; client: S3Client }> | undefined;

  constructor(
    private readonly bucket: string,
    private readonly publicBaseUrl: string,
    private readonly clientConfig: S3ClientConfig,
  ) {
    super();
  }

  /**
   * The SDK is loaded at the first upload, read or delete, not at start: the api's pods mostly
   * serve reads (CloudFront serves the files), and loading the SDK at start cost ≈ 4 MiB of
   * idle RSS (docs/benchmarks.md, Memory).
   */
  private connect(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    return (this.connection ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      client: new sdk.S3Client({ maxAttempts: 2, ...this.clientConfig }),
    })));
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.putObject(key, data, data.length, contentType);
  }

  async putFile(key: string, path: string, contentType: string): Promise<void> {
    // One PutObject up to 5 GiB; the length is known, so the SDK streams the file as it signs.
    const { size } = await stat(path);
    await this.putObject(key, createReadStream(path), size, contentType);
  }

  private async putObject(
    key: string,
    body: Buffer | Readable,
    length: number,
    contentType: string,
  ): Promise<void> {
    const { sdk, client } = await this.guard(this.connect());
    await this.guard(
      client.send(
        new sdk.PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: body,
          ContentLength: length,
          ContentType: contentType,
          CacheControl: IMMUTABLE_CACHE_CONTROL,
        }),
      ),
    );
  }

  async stat(key: string): Promise<StoredFile | undefined> {
    const { sdk, client } = await this.guard(this.connect());
    try {
      const head = await client.send(new sdk.HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return {
        size: head.ContentLength ?? 0,
        contentType: head.ContentType ?? 'application/octet-stream',
      };
    } catch (error) {
      if (error instanceof sdk.NotFound) return undefined;
      throw new MediaStorageUnavailableError(error);
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    const { sdk, client } = await this.guard(this.connect());
    const object = await this.guard(
      client.send(
        new sdk.GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      ),
    );
    // In Node.js the SDK's body is the HTTP response stream.
    return object.Body as Readable;
  }

  async delete(keys: readonly string[]): Promise<void> {
    const { sdk, client } = await this.guard(this.connect());
    for (let start = 0; start < keys.length; start += 1000) {
      const Objects = keys.slice(start, start + 1000).map((Key) => ({ Key }));
      await this.guard(
        client.send(
          new sdk.DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }),
        ),
      );
    }
  }

  url(key: string): string {
    return `${this.publicBaseUrl}/${key}`;
  }

  destroy(): void {
    void this.connection?.then(({ client }) => client.destroy());
  }

  private async guard<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      throw new MediaStorageUnavailableError(error);
    }
  }
}
