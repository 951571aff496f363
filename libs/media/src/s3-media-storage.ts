import {
  DeleteObjectsCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { MediaStorageUnavailableError } from './media-errors';
import { MediaStorage, type StoredFile } from './media-storage';

/** Every key is a new upload: CDNs and browsers may keep a file forever. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Media in an S3 bucket, served to clients by CloudFront (`publicBaseUrl`). Credentials come
 * from the SDK's default chain: the pod's IRSA / Pod Identity role in production.
 */
export class S3MediaStorage extends MediaStorage {
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    private readonly publicBaseUrl: string,
    clientConfig: S3ClientConfig,
  ) {
    super();
    this.client = new S3Client({ maxAttempts: 2, ...clientConfig });
  }

  async put(key: string, data: Buffer, contentType: string): Promise<void> {
    await this.guard(
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Body: data,
          ContentType: contentType,
          CacheControl: IMMUTABLE_CACHE_CONTROL,
        }),
      ),
    );
  }

  async get(key: string): Promise<StoredFile | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key }),
      );
      const data = Buffer.from(await object.Body!.transformToByteArray());
      return { data, contentType: object.ContentType ?? 'application/octet-stream' };
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw new MediaStorageUnavailableError(error);
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += 1000) {
      const Objects = keys.slice(start, start + 1000).map((Key) => ({ Key }));
      await this.guard(
        this.client.send(
          new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects, Quiet: true } }),
        ),
      );
    }
  }

  url(key: string): string {
    return `${this.publicBaseUrl}/${key}`;
  }

  destroy(): void {
    this.client.destroy();
  }

  private async guard<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (error) {
      throw new MediaStorageUnavailableError(error);
    }
  }
}
