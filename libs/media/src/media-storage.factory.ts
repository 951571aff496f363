import { LocalMediaStorage } from './local-media-storage';
import { LOCAL_MEDIA_PATH, type MediaStorage } from './media-storage';
import { S3MediaStorage } from './s3-media-storage';

/** The media settings of the api and workers schemas (libs/config). */
export interface MediaStorageConfig {
  PUBLIC_ORIGIN: string;
  MEDIA_STORAGE: 'local' | 's3';
  MEDIA_LOCAL_DIR: string;
  MEDIA_S3_BUCKET?: string | undefined;
  MEDIA_S3_REGION: string;
  MEDIA_S3_ENDPOINT?: string | undefined;
  MEDIA_PUBLIC_BASE_URL?: string | undefined;
}

/** The one place the driver is chosen from configuration. */
export function createMediaStorage(config: MediaStorageConfig): MediaStorage {
  const base = (
    config.MEDIA_PUBLIC_BASE_URL ?? `${new URL(config.PUBLIC_ORIGIN).origin}${LOCAL_MEDIA_PATH}`
  ).replace(/\/+$/, '');
  if (config.MEDIA_STORAGE === 'local') return new LocalMediaStorage(config.MEDIA_LOCAL_DIR, base);
  return new S3MediaStorage(config.MEDIA_S3_BUCKET!, base, {
    region: config.MEDIA_S3_REGION,
    ...(config.MEDIA_S3_ENDPOINT
      ? {
          endpoint: config.MEDIA_S3_ENDPOINT,
          forcePathStyle: true,
          // S3-compatible servers often lack the SDK's default flexible checksums, which send a
          // streamed body aws-chunked with a checksum trailer (s3rver stores the chunk framing
          // as data); AWS itself keeps them.
          requestChecksumCalculation: 'WHEN_REQUIRED' as const,
          responseChecksumValidation: 'WHEN_REQUIRED' as const,
        }
      : {}),
  });
}
