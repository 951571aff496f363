/** Why an upload was refused; the api maps each to a 422 whose message says so. */
export const MediaErrorCode = {
  UnsupportedType: 'MEDIA_UNSUPPORTED_TYPE',
  TooLarge: 'MEDIA_TOO_LARGE',
  TooManyPixels: 'MEDIA_TOO_MANY_PIXELS',
  Unreadable: 'MEDIA_UNREADABLE',
} as const;
export type MediaErrorCode = (typeof MediaErrorCode)[keyof typeof MediaErrorCode];

export class MediaError extends Error {
  override readonly name = 'MediaError';
  constructor(
    readonly code: MediaErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The storage (S3, the disk) could not be reached or refused a write: a 503, never a 500. */
export class MediaStorageUnavailableError extends Error {
  override readonly name = 'MediaStorageUnavailableError';
  constructor(override readonly cause: unknown) {
    super('media storage is unavailable');
  }
}
